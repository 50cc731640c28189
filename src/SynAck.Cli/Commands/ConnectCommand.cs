using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using SynAck.Sockets;

namespace SynAck.Cli.Commands;

/// <summary><c>synack connect</c>: SynAck on a TUN device as a client of a kernel server: send N bytes, half-close, read to the end.</summary>
internal static class ConnectCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var link = new ServeCommand.TunOptions();
        var to = new Option<string>("--to") { Description = "the kernel server, ADDRESS:PORT (IPv6 in brackets: [2001:2::1]:80)", Required = true, HelpName = "ADDRESS:PORT" };
        var sendBytes = new Option<long>("--send-bytes") { Description = "bytes to send (a pseudo-random stream from --seed) before half-closing", DefaultValueFactory = _ => 0L };
        var sha = new Option<bool>("--sha256") { Description = "print the SHA-256 of the bytes sent and received" };
        var command = new Command("connect", "Connect to a server in the kernel over a TUN device (needs root), send, then read to the end")
        {
            to, sendBytes, sha,
        };
        link.AddTo(command);
        command.SetAction((r, ct) => ExecuteAsync(link.Read(r), r.GetValue(to)!, r.GetValue(sendBytes), r.GetValue(sha), output, error, ct));
        return command;
    }

    internal static async Task<int> ExecuteAsync(ServeCommand.TunRequest request, string to, long sendBytes, bool sha,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        if (!ServeCommand.TunRequest.TryParseEndPoint(to, out var remote))
            return Usage.Fail(error, $"--to '{to}' is not ADDRESS:PORT (an IPv6 address in brackets: [2001:2::1]:80)");
        if (sendBytes < 0)
            return Usage.Fail(error, "--send-bytes must not be negative");
        bool v6 = remote.AddressFamily == AddressFamily.InterNetworkV6;
        request = request with { PreferV6 = v6 };
        if (request.Validate() is { } problem)
            return Usage.Fail(error, problem);
        if (request.OwnAddress.IsV6 != v6)
            return Usage.Fail(error, $"--to {remote} and --address {request.OwnAddress} are of different IP versions");

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

        try
        {
            // One connection lives in one shard: the first.
            var host = hosts[0];
            output.WriteLine($"connecting to {remote} from {host.Address} via {request.Describe(host.Link)}");
            SynAckConnection c;
            try
            {
                c = await host.ConnectAsync(remote, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
            {
                output.WriteLine($"connection {host.Address} -> {remote} end={ServeCommand.Describe(e)}");
                return 1;
            }
            return await TransferAsync(c, request.Seed, sendBytes, sha, output, ct).ConfigureAwait(false);
        }
        finally
        {
            foreach (var h in hosts)
                await h.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task<int> TransferAsync(SynAckConnection c, ulong seed, long sendBytes, bool sha, TextWriter output, CancellationToken ct)
    {
        // Hashing costs more than moving the bytes: only when asked.
        using var sent = sha ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        using var received = sha ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        string end = "closed";
        bool ok = true;
        try
        {
            var send = Task.Run(async () =>
            {
                var payload = new Payload(seed);
                // Large writes: each write is a hop to the host's loop and back, so a write that fills the whole send
                // buffer keeps it full across the hop (64 KiB writes left the link idle between them).
                var chunk = new byte[Transfer.ChunkSize];
                for (long left = sendBytes; left > 0;)
                {
                    int n = (int)Math.Min(left, chunk.Length);
                    payload.Fill(chunk.AsSpan(0, n));
                    sent?.AppendData(chunk, 0, n);
                    await c.WriteAsync(chunk.AsMemory(0, n), ct).ConfigureAwait(false);
                    left -= n;
                }
                c.CompleteWrites();
            }, ct);
            var buffer = new byte[Transfer.ChunkSize];
            int got;
            while ((got = await c.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
                received?.AppendData(buffer, 0, got);
            await send.ConfigureAwait(false);
            await c.WritesClosed.WaitAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            (end, ok) = (ServeCommand.Describe(e), false);
        }
        await c.DisposeAsync().ConfigureAwait(false);
        string digests = sent is not null && received is not null
            ? $" sha256-sent={Convert.ToHexStringLower(sent.GetHashAndReset())} sha256-received={Convert.ToHexStringLower(received.GetHashAndReset())}"
            : "";
        output.WriteLine($"connection {c.LocalEndPoint} -> {c.RemoteEndPoint} sent={c.BytesWritten} received={c.BytesRead} end={end} retransmissions={c.Retransmissions}{digests}");
        return ok ? 0 : 1;
    }
}
