using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using SynAck.Links;
using SynAck.Sockets;
using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Cli.Commands;

/// <summary>
/// <c>synack serve</c>: SynAck on a TUN device as a server (echo, discard or a tiny HTTP responder) for the kernel
/// behind the device. Also holds the TUN options and link building that <see cref="ConnectCommand"/> shares.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var link = new TunOptions();
        var port = new Option<int>("--port") { Description = "the port to listen on", Required = true };
        var echo = new Option<bool>("--echo") { Description = "send back every byte received" };
        var discard = new Option<bool>("--discard") { Description = "read and drop every byte" };
        var http = new Option<bool>("--http") { Description = "answer each HTTP request with a short page" };
        var count = new Option<int>("--count") { Description = "stop after N connections (default: until Ctrl+C)", DefaultValueFactory = _ => 0 };
        var sha = new Option<bool>("--sha256") { Description = "print the SHA-256 of the bytes received on each connection" };
        var command = new Command("serve", "Serve the kernel over a TUN device (needs root): echo, discard or HTTP")
        {
            port, echo, discard, http, count, sha,
        };
        link.AddTo(command);
        command.SetAction((r, ct) => ExecuteAsync(link.Read(r), r.GetValue(port), r.GetValue(echo), r.GetValue(discard), r.GetValue(http),
            r.GetValue(count), r.GetValue(sha), output, error, ct));
        return command;
    }

    internal static async Task<int> ExecuteAsync(TunRequest request, int port, bool echo, bool discard, bool http, int count, bool sha,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        if ((echo ? 1 : 0) + (discard ? 1 : 0) + (http ? 1 : 0) != 1)
            return Usage.Fail(error, "choose exactly one of --echo, --discard, --http");
        if (port is < 1 or > 65535)
            return Usage.Fail(error, $"--port {port} is not a port (1-65535)");
        if (count < 0)
            return Usage.Fail(error, "--count must not be negative");
        if (request.Validate() is { } problem)
            return Usage.Fail(error, problem);

        string mode = echo ? "echo" : discard ? "discard" : "http";
        IReadOnlyList<SynAckHost> hosts;
        try
        {
            hosts = request.OpenHosts();
        }
        catch (Exception e) when (e is UnauthorizedAccessException or InvalidOperationException or IOException or ArgumentException)
        {
            error.WriteLine("error: cannot open the TUN link: " + e.Message);
            return 1;
        }

        int failures = 0;
        try
        {
            // A listener in every shard: each accepts the connections whose flows it owns.
            var listeners = hosts.Select(h => h.Listen((ushort)port)).ToArray();
            output.WriteLine($"listening on {new IPEndPoint(hosts[0].Address.ToIPAddress(), port)} ({mode}) via {request.Describe(hosts[0].Link)}");
            var running = new List<Task<bool>>();
            var accepts = listeners.Select(l => l.AcceptAsync(ct).AsTask()).ToArray();
            try
            {
                for (int accepted = 0; count == 0 || accepted < count; accepted++)
                {
                    var done = await Task.WhenAny(accepts).ConfigureAwait(false);
                    int i = Array.IndexOf(accepts, done);
                    var connection = await done.ConfigureAwait(false);
                    accepts[i] = listeners[i].AcceptAsync(ct).AsTask();
                    running.Add(Task.Run(() => HandleAsync(connection, mode, sha, output, ct), CancellationToken.None));
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop accepting; the connections running are aborted when the host stops.
            }
            catch (IOException e)
            {
                // The link went away (device deleted, namespace removed): the host has stopped and every connection
                // fails with the same reason, each reporting its own line.
                error.WriteLine("error: " + e.Message);
                failures++;
            }
            foreach (var t in running)
            {
                if (!await t.ConfigureAwait(false))
                    failures++;
            }
            foreach (var l in listeners)
                l.Dispose();
            if (hosts.Count > 1)
                output.WriteLine($"shards={hosts.Count} handed-over={string.Join('/', hosts.Select(h => h.PacketsForwarded))} received={string.Join('/', hosts.Select(h => h.Link.Counters.PacketsReceived))}");
        }
        finally
        {
            foreach (var h in hosts)
                await h.DisposeAsync().ConfigureAwait(false);
        }
        return failures == 0 ? 0 : 1;
    }

    private static async Task<bool> HandleAsync(SynAckConnection c, string mode, bool sha, TextWriter output, CancellationToken ct)
    {
        // Hashing costs more than moving the bytes: only when asked.
        using var hash = sha ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        string end = "closed";
        bool ok = true;
        byte[]? buffer = null;
        try
        {
            // Rented: a fresh 1 MiB array per connection is a large-object allocation, and at thousands of short
            // connections a second (serve --http under wrk) the full collections it causes cost more than TCP.
            buffer = ArrayPool<byte>.Shared.Rent(mode == "http" ? 16 * 1024 : Transfer.ChunkSize);
            if (mode == "http")
                await ServeHttpAsync(c, buffer, ct).ConfigureAwait(false);
            else
            {
                int n;
                while ((n = await c.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                {
                    hash?.AppendData(buffer, 0, n);
                    if (mode == "echo")
                        await c.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                }
                c.CompleteWrites();
                await c.WritesClosed.WaitAsync(ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            (end, ok) = (Describe(e), false);
        }
        if (buffer is not null)
            ArrayPool<byte>.Shared.Return(buffer);
        await c.DisposeAsync().ConfigureAwait(false);
        string digest = hash is null ? "" : " sha256-received=" + Convert.ToHexStringLower(hash.GetHashAndReset());
        lock (output)
            output.WriteLine($"connection {c.RemoteEndPoint} -> {c.LocalEndPoint} received={c.BytesRead} sent={c.BytesWritten} end={end} retransmissions={c.Retransmissions}{digest}");
        return ok;
    }

    /// <summary>Reads one request head, answers with a short page, and closes after the client does.</summary>
    private static async Task ServeHttpAsync(SynAckConnection c, byte[] buffer, CancellationToken ct)
    {
        int have = 0;
        while (have < buffer.Length)
        {
            int n = await c.ReadAsync(buffer.AsMemory(have), ct).ConfigureAwait(false);
            if (n == 0)
                return;
            have += n;
            if (buffer.AsSpan(0, have).IndexOf("\r\n\r\n"u8) >= 0)
                break;
        }
        var body = Encoding.ASCII.GetBytes($"Hello from SynAck, a userspace TCP/IP stack. You are {c.RemoteEndPoint}.\n");
        var head = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"HTTP/1.1 200 OK\r\nServer: SynAck\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
        await c.WriteAsync(head, ct).ConfigureAwait(false);
        // The FIN is asked for with the last write still in progress: CompleteWrites orders it behind that write, so it
        // leaves with the page instead of a thread hop later, and this side closes first (the client holds no TIME-WAIT).
        var last = c.WriteAsync(body, ct);
        c.CompleteWrites();
        await last.ConfigureAwait(false);
        // Drain until the client closes, so closing here is a FIN and never a reset over unread bytes.
        while (await c.ReadAsync(buffer, ct).ConfigureAwait(false) > 0)
        {
        }
    }

    internal static string Describe(Exception e) => e switch
    {
        OperationCanceledException => "cancelled",
        ObjectDisposedException => "host-stopped",
        SocketException s => Spell(s.SocketErrorCode),
        IOException { InnerException: SocketException s } => Spell(s.SocketErrorCode),
        _ => "error: " + e.Message,
    };

    private static string Spell(SocketError code) => code switch
    {
        SocketError.ConnectionReset => "reset",
        SocketError.ConnectionRefused => "refused",
        SocketError.TimedOut => "timed-out",
        SocketError.OperationAborted => "aborted",
        _ => code.ToString(),
    };

    /// <summary>The options both TUN commands take.</summary>
    internal sealed class TunOptions
    {
        private readonly Option<string?> _tun = new("--tun") { Description = "the TUN device name (default: the kernel picks tunN)", HelpName = "NAME" };
        private readonly Option<string?> _netns = new("--netns") { Description = "network namespace for the kernel side (created when missing); without it the current one is configured", HelpName = "NS" };
        private readonly Option<string?> _kernel = new("--kernel-address") { Description = "the kernel side's address and prefix (default 198.18.0.1/24, or 2001:2::1/64 when SynAck's address is IPv6)", HelpName = "CIDR" };
        private readonly Option<string?> _address = new("--address") { Description = "SynAck's own address, IPv4 or IPv6 (default 198.18.0.2, or 2001:2::2 when the kernel's address is IPv6)", HelpName = "ADDRESS" };
        private readonly Option<int> _mtu = new("--mtu") { Description = "the TUN device's MTU (68-65535, 1280 or more for IPv6; default: the kernel's, 1500)", DefaultValueFactory = _ => 0 };
        private readonly Option<int> _shards = new("--shards") { Description = "stack shards, one per queue of a multi-queue TUN device and one thread each (1-64)", DefaultValueFactory = _ => 1 };
        private readonly Option<bool> _noOffload = new("--no-offload") { Description = "open the TUN device without segmentation and checksum offload (one packet per read and write)" };
        private readonly Option<string?> _pcap = new("--pcap") { Description = "write the packets on the TUN link to FILE as pcapng", HelpName = "FILE" };
        private readonly Option<double> _loss = new("--loss") { Description = "probability of losing a packet, each direction", DefaultValueFactory = _ => 0.0 };
        private readonly Option<double> _dup = new("--dup") { Description = "probability of duplicating a packet, each direction", DefaultValueFactory = _ => 0.0 };
        private readonly Option<double> _reorder = new("--reorder") { Description = "probability of holding a packet back (reordering), each direction", DefaultValueFactory = _ => 0.0 };
        private readonly Option<ulong> _seed = new("--seed") { Description = "seed of the stack and the fault injector", DefaultValueFactory = _ => 1UL };

        public void AddTo(Command command)
        {
            foreach (var o in (Option[])[_tun, _netns, _kernel, _address, _mtu, _shards, _noOffload, _pcap, _loss, _dup, _reorder, _seed])
                command.Options.Add(o);
        }

        public TunRequest Read(ParseResult r) => new(r.GetValue(_tun), r.GetValue(_netns), r.GetValue(_kernel), r.GetValue(_address),
            r.GetValue(_mtu), r.GetValue(_shards), !r.GetValue(_noOffload), r.GetValue(_pcap), r.GetValue(_loss), r.GetValue(_dup), r.GetValue(_reorder), r.GetValue(_seed));
    }

    /// <summary>What the TUN options asked for. <see cref="KernelAddress"/> and <see cref="Address"/> are null when not
    /// given: each then follows the other's IP version (198.18.0.1/24 and 198.18.0.2, or 2001:2::1/64 and 2001:2::2).</summary>
    internal sealed record TunRequest(string? Tun, string? Netns, string? KernelAddress, string? Address, int Mtu, int Shards, bool Offload, string? Pcap,
        double Loss, double Dup, double Reorder, ulong Seed)
    {
        private const string DefaultKernelV4 = "198.18.0.1/24";
        private const string DefaultKernelV6 = "2001:2::1/64";
        private const string DefaultAddressV4 = "198.18.0.2";
        private const string DefaultAddressV6 = "2001:2::2";

        /// <summary>The IP version a peer address (such as connect's --to) asks for when neither address was given.</summary>
        public bool? PreferV6 { get; init; }

        /// <summary>SynAck's address after defaults (valid once <see cref="Validate"/> returned null).</summary>
        public IpAddress OwnAddress => IpAddress.Parse(ResolvedAddress);

        /// <summary>The kernel side's address and prefix after defaults.</summary>
        public string ResolvedKernelAddress => KernelAddress ?? (IsV6 ? DefaultKernelV6 : DefaultKernelV4);

        private string ResolvedAddress => Address ?? (IsV6 ? DefaultAddressV6 : DefaultAddressV4);

        /// <summary>The version both sides speak: the one of whichever address was given, else the peer's.</summary>
        private bool IsV6 => Address is not null ? Address.Contains(':', StringComparison.Ordinal)
            : KernelAddress is not null ? KernelAddress.Contains(':', StringComparison.Ordinal)
            : PreferV6 ?? false;

        public string? Validate()
        {
            if (!IpAddress.TryParse(ResolvedAddress, out var a))
                return $"--address '{Address}' is not an IPv4 or IPv6 address";
            int slash = ResolvedKernelAddress.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
                return $"--kernel-address '{KernelAddress}' needs a prefix length, such as {(a.IsV6 ? DefaultKernelV6 : DefaultKernelV4)}";
            if (!IpAddress.TryParse(ResolvedKernelAddress[..slash], out var k)
                || !int.TryParse(ResolvedKernelAddress.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int prefix)
                || prefix > (k.IsV6 ? 128 : 32))
                return $"--kernel-address '{KernelAddress}' is not an address with a prefix length, such as {(a.IsV6 ? DefaultKernelV6 : DefaultKernelV4)}";
            if (k.IsV6 != a.IsV6)
                return $"--kernel-address {ResolvedKernelAddress} and --address {ResolvedAddress} are of different IP versions";
            if (k == a)
                return $"--kernel-address and --address are both {a}";
            if (Mtu != 0 && (Mtu is < 68 or > 65535 || (a.IsV6 && Mtu < 1280)))
                return $"--mtu {Mtu} is not an MTU ({(a.IsV6 ? "1280" : "68")}-65535)";
            if (Shards is < 1 or > 64)
                return $"--shards {Shards} is not a shard count (1-64)";
            if (Shards > 1 && (Pcap is not null || HasFaults))
                return "--shards above 1 cannot be combined with --pcap, --loss, --dup or --reorder";
            foreach (var (name, p) in (ReadOnlySpan<(string, double)>)[("--loss", Loss), ("--dup", Dup), ("--reorder", Reorder)])
            {
                if (p is < 0 or >= 1 || double.IsNaN(p))
                    return $"{name} {p.ToString(CultureInfo.InvariantCulture)} is not a probability (0 to below 1)";
            }
            return null;
        }

        public bool HasFaults => Loss > 0 || Dup > 0 || Reorder > 0;

        /// <summary>Creates the device and the hosts: one, or with <see cref="Shards"/> above 1 one per queue of a
        /// multi-queue device (<see cref="SynAckHost.StartShards"/>).</summary>
        public IReadOnlyList<SynAckHost> OpenHosts()
        {
            if (Shards == 1)
                return [OpenHost()];
            var queues = new TunSetup { DeviceName = Tun, Namespace = Netns, KernelAddresses = [ResolvedKernelAddress], Mtu = Mtu, Offload = Offload }.OpenQueues(Shards);
            var options = new SynAckHostOptions { Settings = new TcpSettings { Mtu = queues[0].Mtu }, Seed = Seed, CountRetransmissions = true };
            return SynAckHost.StartShards(queues, OwnAddress, options);
        }

        /// <summary>Creates the device (tap and fault injector around it as asked) and a host on it.</summary>
        private SynAckHost OpenHost()
        {
            ILink link = new TunSetup { DeviceName = Tun, Namespace = Netns, KernelAddresses = [ResolvedKernelAddress], Mtu = Mtu, Offload = Offload }.Open();
            try
            {
                if (Pcap is not null)
                    link = new PcapTapLink(link, File.Create(Pcap));
                if (HasFaults)
                {
                    var faults = new FaultSettings { Loss = Loss, Duplicate = Dup, Reorder = Reorder };
                    link = new FaultInjectingLink(link, faults, faults, Seed);
                }
                var settings = new TcpSettings { Mtu = link.Mtu };
                return new SynAckHost(link, OwnAddress, new SynAckHostOptions { Settings = settings, Seed = Seed, CountRetransmissions = true });
            }
            catch
            {
                link.Dispose();
                throw;
            }
        }

        public string Describe(ILink link)
            => $"tun {link.Name}" + (Netns is null ? " in this namespace" : $" in netns {Netns}") + $", kernel {ResolvedKernelAddress}, mtu {link.Mtu}" + (Offload ? ", offload" : "") + (Shards > 1 ? $", {Shards} shards" : "")
                + (HasFaults ? string.Create(CultureInfo.InvariantCulture, $", faults loss={Loss} dup={Dup} reorder={Reorder}") : "")
                + (Pcap is null ? "" : $", capture {Pcap}");

        public static bool TryParseEndPoint(string text, out IPEndPoint endPoint) => IPEndPoint.TryParse(text, out endPoint!) && endPoint.Port != 0;
    }
}
