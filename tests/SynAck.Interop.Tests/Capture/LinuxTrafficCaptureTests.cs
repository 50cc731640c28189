using System.Diagnostics;
using System.Globalization;
using SynAck.Capture;
using SynAck.Wire;

namespace SynAck.Interop.Tests.Capture;

/// <summary>
/// Real Linux TCP traffic captured by tcpdump / dumpcap inside a private network namespace,
/// then read by SynAck (CaptureReader + LinkLayer + Wire) and by tshark: the same frames with
/// the same TCP fields and timestamps.
/// </summary>
public sealed class LinuxTrafficCaptureTests : IDisposable
{
    /// <summary>A loopback conversation: handshake, data both ways, a close from the client.</summary>
    private const string Conversation = """
        import socket
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        srv.bind(("127.0.0.1", 0))
        srv.listen(1)
        cli = socket.create_connection(srv.getsockname())
        conn, _ = srv.accept()
        cli.sendall(b"hello synack " * 100)
        got = b""
        while len(got) < 1300:
            got += conn.recv(65536)
        conn.sendall(b"x" * 5000)
        n = 0
        while n < 5000:
            n += len(cli.recv(65536))
        cli.close()
        assert conn.recv(1) == b""
        conn.close()
        srv.close()
        print("done")
        """;

    private static readonly string[] Fields =
    [
        "frame.number", "frame.time_epoch", "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw",
        "tcp.flags", "tcp.window_size_value", "tcp.len",
    ];

    private readonly string _dir = Directory.CreateTempSubdirectory("synack-capture-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("tcpdump-lo-usec")]
    [InlineData("tcpdump-lo-nsec")]
    [InlineData("tcpdump-any-sll2")]
    [InlineData("tcpdump-any-sll")]
    [InlineData("dumpcap-lo-pcapng")]
    public void SynAckReadsRealTrafficLikeTshark(string variant)
    {
        var tool = variant.StartsWith("dumpcap", StringComparison.Ordinal) ? "dumpcap" : "tcpdump";
        Requirement.RootAndTools("ip", tool, "tshark", "/usr/bin/python3");
        var file = Path.Combine(_dir, variant + (tool == "dumpcap" ? ".pcapng" : ".pcap"));
        string[] command = variant switch
        {
            "tcpdump-lo-usec" => ["tcpdump", "-Z", "root", "-U", "--immediate-mode", "-B", "16384", "-i", "lo", "-w", file],
            "tcpdump-lo-nsec" => ["tcpdump", "-Z", "root", "-U", "--immediate-mode", "-B", "16384", "-i", "lo", "--time-stamp-precision", "nano", "-w", file],
            "tcpdump-any-sll2" => ["tcpdump", "-Z", "root", "-U", "--immediate-mode", "-B", "16384", "-i", "any", "-w", file],
            "tcpdump-any-sll" => ["tcpdump", "-Z", "root", "-U", "--immediate-mode", "-B", "16384", "-i", "any", "-y", "LINUX_SLL", "-w", file],
            _ => ["dumpcap", "-i", "lo", "-w", file],
        };
        // --immediate-mode: hand over each packet at once (else a SIGINT loses the last ring block);
        // -B 16 MiB: in immediate mode the ring holds few 256 KiB frames, and a burst on "any" overflows it.
        var expectedLinkType = variant switch
        {
            "tcpdump-any-sll2" => LinkType.LinuxSll2,
            "tcpdump-any-sll" => LinkType.LinuxSll,
            _ => LinkType.Ethernet,
        };

        using (var ns = NetNamespace.Create())
        {
            Capture(ns, command, tool == "dumpcap" ? "Capturing on" : "listening on", file);
        }

        var ours = ReadWithSynAck(file, out var format, out var linkTypes);
        Assert.Equal(tool == "dumpcap" ? CaptureFormat.PcapNg : CaptureFormat.Pcap, format);
        Assert.All(linkTypes, t => Assert.Equal(expectedLinkType, t));
        var theirs = TsharkFields.Read(file, Fields);

        // The conversation has at least a handshake, two data segments and a FIN each way.
        Assert.True(ours.Count >= 7, $"only {ours.Count} frames captured");
        Assert.Contains(ours, f => f.Flags == "2");
        Assert.Equal(theirs.Count, ours.Count);
        for (var i = 0; i < ours.Count; i++)
        {
            var (o, t) = (ours[i], theirs[i]);
            Assert.Equal(i + 1, TsharkFields.Number(t["frame.number"]));
            Assert.Equal(TsharkFields.EpochNanoseconds(t["frame.time_epoch"]), o.TimeNs);
            Assert.Equal(t["tcp.srcport"], o.SrcPort);
            Assert.Equal(t["tcp.dstport"], o.DstPort);
            Assert.Equal(t["tcp.seq_raw"], o.Seq);
            Assert.Equal(t["tcp.ack_raw"], o.Ack);
            Assert.Equal(t["tcp.flags"] == "" ? "" : TsharkFields.Number(t["tcp.flags"]).ToString(CultureInfo.InvariantCulture), o.Flags);
            Assert.Equal(t["tcp.window_size_value"], o.Window);
            Assert.Equal(t["tcp.len"], o.Length);
        }
    }

    /// <summary>Starts the capture, waits until it is listening, runs the conversation, then
    /// stops the capture with SIGINT and waits (bounded) for it to finish the file.</summary>
    private static void Capture(NetNamespace ns, string[] command, string readyMarker, string file)
    {
        using var capture = ns.Start(command);
        var log = new StderrLog(capture);
        try
        {
            Assert.True(log.WaitFor(readyMarker, capture, TimeSpan.FromSeconds(20)),
                $"{command[0]} did not start capturing: {log.Text}");
            var (code, output) = ns.Exec("/usr/bin/python3", "-c", Conversation);
            Assert.True(code == 0 && output.Contains("done", StringComparison.Ordinal), $"python conversation failed ({code}): {output}");
            // The kernel hands packets to the capture in blocks (TPACKET_V3) that dumpcap only sees
            // when a block times out; a SIGINT before then loses them. So wait (bounded) until the
            // file holds the last packet of the conversation: the ACK of the second FIN.
            Assert.True(WaitForFinalAck(file, capture, TimeSpan.FromSeconds(20)), $"{command[0]} never wrote the final ACK: {log.Text}");
        }
        finally
        {
            // `ip netns exec` execs the tool in place, so this pid is tcpdump's / dumpcap's own.
            NetNamespace.Run("kill", "-INT", capture.Id.ToString(CultureInfo.InvariantCulture));
            if (!capture.WaitForExit(TimeSpan.FromSeconds(20)))
            {
                capture.Kill();
                capture.WaitForExit();
            }
        }
        Assert.True(capture.ExitCode == 0, $"{command[0]} exited with {capture.ExitCode}: {log.Text}");
    }

    private static bool WaitForFinalAck(string file, Process capture, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (HasFinalAck(file))
                return true;
            if (capture.WaitForExit(100))
                return HasFinalAck(file);
        }
        return false;
    }

    /// <summary>Reads what the capture has written so far (the last block may still be partial).</summary>
    private static bool HasFinalAck(string file)
    {
        if (!File.Exists(file))
            return false;
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = CaptureReader.Open(stream);
        // "any" sees each loopback packet twice (sent and received), so count FIN senders, not FINs.
        var finSenders = new HashSet<string>(StringComparer.Ordinal);
        var ackAfterSecondFin = false;
        while (reader.TryReadNext(out var record))
        {
            var f = Describe(record);
            if (f.Flags == "")
                continue;
            var flags = (TcpFlags)int.Parse(f.Flags, CultureInfo.InvariantCulture);
            if ((flags & TcpFlags.Fin) != 0)
                finSenders.Add(f.SrcPort);
            else if (finSenders.Count == 2 && flags == TcpFlags.Ack)
                ackAfterSecondFin = true;
        }
        return ackAfterSecondFin;
    }

    private sealed record Frame(long TimeNs, string SrcPort, string DstPort, string Seq, string Ack, string Flags, string Window, string Length);

    private static List<Frame> ReadWithSynAck(string path, out CaptureFormat format, out HashSet<LinkType> linkTypes)
    {
        var frames = new List<Frame>();
        linkTypes = [];
        using var reader = CaptureReader.Open(File.OpenRead(path));
        format = reader.Format;
        while (reader.TryReadNext(out var record))
        {
            linkTypes.Add(record.LinkType);
            frames.Add(Describe(record));
        }
        Assert.Null(reader.Error);
        return frames;
    }

    /// <summary>The TCP fields as tshark prints them, or empty strings when the frame holds no TCP.</summary>
    private static Frame Describe(CaptureRecord record)
    {
        static string S(long v) => v.ToString(CultureInfo.InvariantCulture);
        // Loopback checksums are left to "offload" and not filled in, so they are not verified here.
        if (LinkLayer.TryGetIpPacket(record.LinkType, record.Data.Span, out var ipBytes)
            && IpPacket.TryParse(ipBytes, out var ip) == WireStatus.Ok
            && ip.TryGetTcp(out var tcp, verifyChecksum: false) == WireStatus.Ok)
        {
            return new Frame(record.TimestampNanoseconds, S(tcp.SourcePort), S(tcp.DestinationPort), S(tcp.Seq.Value),
                S(tcp.Ack.Value), S((long)tcp.Flags), S(tcp.Window), S(tcp.Payload.Length));
        }
        Debug.WriteLine($"frame {record.FrameNumber} holds no TCP");
        return new Frame(record.TimestampNanoseconds, "", "", "", "", "", "", "");
    }
}
