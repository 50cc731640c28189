using System.Diagnostics;
using System.Globalization;
using SynAck.Analysis.Conversations;
using SynAck.TestSupport;

namespace SynAck.Interop.Tests.Analysis;

/// <summary>
/// Issue E2, acceptance 1, on real captures: Linux hosts with checksum offload hand tcpdump their own segments before
/// the checksum is computed. A client and a server in two namespaces, joined through a third that routes between them
/// (its interfaces without offload, so it completes every checksum it forwards), exchange a closed and a reset
/// connection; tcpdump records each on its own host. Each file holds that host's outgoing segments with unfinished
/// TCP checksums (tshark says so) and the other's finished — and <c>synack analyze</c> gives the same connections from
/// both. (Linux computes the IPv4 header checksum in software even with offload; a zero header checksum, which some
/// NICs leave, is covered with crafted packets in SynAck.Analysis.Tests' ChecksumTests.)
/// </summary>
public sealed class OffloadCaptureTests : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private const string Server = """
        import socket, struct
        srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        srv.bind(("10.78.0.1", 8080)); srv.listen(4)
        print("listening", flush=True)
        c, _ = srv.accept()
        n = 0
        while True:
            b = c.recv(65536)
            if not b: break
            n += len(b)
        c.sendall(b"x" * 1000); c.close()
        c, _ = srv.accept()
        c.recv(100)
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close()
        print(n, flush=True)
        """;

    private const string Client = """
        import socket, time
        s = socket.create_connection(("10.78.0.1", 8080))
        s.sendall(b"y" * 300000); s.shutdown(socket.SHUT_WR)
        got = 0
        while True:
            b = s.recv(65536)
            if not b: break
            got += len(b)
        s.close()
        s = socket.create_connection(("10.78.0.1", 8080))
        s.sendall(b"hello")
        try:
            s.recv(100)
        except ConnectionResetError:
            pass
        s.close()
        time.sleep(0.3)
        print(got, flush=True)
        """;

    private readonly string _dir = Directory.CreateTempSubdirectory("synack-offload-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_capture_on_an_offloading_sender_gives_the_same_connections_as_on_the_receiver()
    {
        Requirement.RootAndTools("ip", "tcpdump", "tshark", "ethtool", Python);
        using var client = NetNamespace.Create();
        using var router = NetNamespace.Create();
        using var server = NetNamespace.Create();
        Veth(client, "c0", "10.77.0.1/24", router, "r0", "10.77.0.2/24");
        Veth(server, "s0", "10.78.0.1/24", router, "r1", "10.78.0.2/24");
        Ok(router.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1"));
        // The router has no offload: every segment it forwards leaves with its checksum computed.
        Ok(router.Exec("ethtool", "-K", "r0", "tx", "off"));
        Ok(router.Exec("ethtool", "-K", "r1", "tx", "off"));
        Ok(client.Exec("ip", "route", "add", "default", "via", "10.77.0.2"));
        Ok(server.Exec("ip", "route", "add", "default", "via", "10.78.0.2"));
        var offload = client.Exec("ethtool", "-k", "c0").Output;
        Assert.Contains("tx-checksumming: on", offload, StringComparison.Ordinal);

        string atClient = Path.Combine(_dir, "client.pcap"), atServer = Path.Combine(_dir, "server.pcap");
        using (var dumpClient = StartCapture(client, "c0", atClient, out var logClient))
        using (var dumpServer = StartCapture(server, "s0", atServer, out var logServer))
        {
            using var srv = server.Start(Python, "-c", Server);
            using var cli = Started(srv, "listening") ? client.Start(Python, "-c", Client) : null;
            Assert.Equal("1000", ReadLine(cli!));
            Assert.Equal("300000", ReadLine(srv));
            Stop(dumpClient, logClient);
            Stop(dumpServer, logServer);
        }

        // Each file has its own host's segments with unfinished checksums, and only those.
        Assert.True(BadTcpChecksums(atClient, "10.77.0.1") > 0, "the client's capture has no offloaded checksum");
        Assert.Equal(0, BadTcpChecksums(atClient, "10.78.0.1"));
        Assert.True(BadTcpChecksums(atServer, "10.78.0.1") > 0, "the server's capture has no offloaded checksum");
        Assert.Equal(0, BadTcpChecksums(atServer, "10.77.0.1"));

        var fromClient = Analyze(atClient);
        var fromServer = Analyze(atServer);
        Assert.Equal(2, fromClient.Connections.Count);
        Assert.Equal(fromServer.Connections.Count, fromClient.Connections.Count);
        for (int i = 0; i < 2; i++)
        {
            var a = fromClient.Connections[i];
            var b = fromServer.Connections[i];
            Assert.Equal((a.Originator, a.Responder), (b.Originator, b.Responder));
            Assert.Equal(a.ConnState, b.ConnState);
            Assert.Equal(a.History, b.History);
            Assert.Equal(a.EndKind, b.EndKind);
            Assert.Equal(a.ActiveCloser, b.ActiveCloser);
            Assert.Equal(a.ResetBy, b.ResetBy);
            Assert.Equal((a.ZeekOriginatorBytes, a.ZeekResponderBytes), (b.ZeekOriginatorBytes, b.ZeekResponderBytes));
            Assert.Equal(a.Completeness, b.Completeness);
            Assert.Equal(0, a.BadChecksums + b.BadChecksums);
            Assert.True(a.OffloadedChecksums > 0 && b.OffloadedChecksums > 0);
        }
        Assert.Equal(0, fromClient.Summary.Packets.Malformed + fromServer.Summary.Packets.Malformed);
        var closed = fromClient.Connections[0];
        // Bytes by sequence number (Zeek's orig_bytes); the on-wire count also holds any retransmission the veths
        // caused (one CI run resent 456 bytes), and both captures saw the same ones (checked above).
        Assert.Equal(300_000, closed.ZeekOriginatorBytes);
        Assert.Equal(1000, closed.ZeekResponderBytes);
        Assert.True(closed.OriginatorBytes >= 300_000 && closed.ResponderBytes >= 1000);
        Assert.Equal("SF", closed.ConnState);
        Assert.Equal(ConnectionSide.Responder, fromClient.Connections[1].ResetBy);
    }

    private static CaptureAnalysis Analyze(string file)
    {
        using var stream = File.OpenRead(file);
        var analysis = CaptureAnalysis.Analyze(stream, new AnalyzerOptions());
        Assert.Null(analysis.Error);
        return analysis;
    }

    /// <summary>TCP segments from <paramref name="source"/> whose checksum tshark finds wrong when asked to verify.</summary>
    private static int BadTcpChecksums(string file, string source)
    {
        var r = NetNamespace.Run("tshark", "-r", file, "-o", "tcp.check_checksum:TRUE", "-Y", $"ip.src == {source} && tcp.checksum.status == 0", "-T", "fields", "-e", "frame.number");
        Assert.True(r.ExitCode == 0, r.Output);
        return r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Count(l => l.Length > 0 && char.IsDigit(l[0]));
    }

    private static void Veth(NetNamespace a, string aName, string aAddress, NetNamespace b, string bName, string bAddress)
    {
        NetNamespace.Run("ip", "link", "add", aName, "netns", a.Name, "type", "veth", "peer", "name", bName, "netns", b.Name).ThrowIfFailed("ip link add veth");
        foreach (var (ns, name, address) in new[] { (a, aName, aAddress), (b, bName, bAddress) })
        {
            ns.Exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            Ok(ns.Exec("ip", "addr", "add", address, "dev", name));
            Ok(ns.Exec("ip", "link", "set", name, "up"));
        }
    }

    private static Process StartCapture(NetNamespace ns, string device, string file, out StderrLog log)
    {
        // Immediate mode with a 128 MiB ring: every packet is read at once (without it, packets still in the ring when
        // tcpdump is stopped are lost), and full-size frames (TSO super-packets of 64 KiB) fit the ring by the hundred.
        var p = ns.Start("tcpdump", "-Z", "root", "-U", "--immediate-mode", "-B", "131072", "-n", "-i", device, "-w", file, "tcp");
        log = new StderrLog(p);
        Assert.True(log.WaitFor("listening on", p, Patience), "tcpdump did not start: " + log.Text);
        return p;
    }

    private static void Stop(Process capture, StderrLog log)
    {
        NetNamespace.Run("kill", "-INT", capture.Id.ToString(CultureInfo.InvariantCulture));
        if (!capture.WaitForExit(Patience))
            capture.Kill();
        capture.WaitForExit();
        Assert.True(log.Text.Contains("\n0 packets dropped by kernel", StringComparison.Ordinal), "the capture is incomplete: " + log.Text);
    }

    private static bool Started(Process p, string line)
    {
        Assert.Equal(line, ReadLine(p));
        return true;
    }

    private static string? ReadLine(Process p)
    {
        var line = p.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken).AsTask();
        if (!line.Wait(Patience, TestContext.Current.CancellationToken))
        {
            p.Kill();
            Assert.Fail("a python side printed nothing: " + p.StandardError.ReadToEnd());
        }
        return line.Result;
    }

    private static void Ok((int ExitCode, string Output) r) => Assert.True(r.ExitCode == 0, r.Output);
}
