using SynAck.Capture;
using SynAck.Wire;

namespace SynAck.Interop.Tests.Capture;

/// <summary>
/// Files written by SynAck's pcap and pcapng writers, opened by tshark: every frame decodes as
/// TCP with good IP and TCP checksums and the fields SynAck wrote, with nanosecond timestamps and
/// (pcapng) the direction flags.
/// </summary>
public sealed class CaptureWriterTsharkTests : IDisposable
{
    private static readonly IpAddress Client = IpAddress.V4(198, 18, 0, 2);
    private static readonly IpAddress Server = IpAddress.V4(198, 18, 0, 1);
    private const long Start = 1_700_000_000_123_456_789;
    private const string GoodChecksum = "1";

    private readonly string _dir = Directory.CreateTempSubdirectory("synack-capture-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record Segment(bool FromClient, TcpHeaderFields Header, byte[] Payload, long Time);

    /// <summary>A handshake, data both ways (with timestamps and a SACK block), and a close.</summary>
    private static List<Segment> Conversation()
    {
        uint iss = 0xFFFF_FF00, irs = 0x1234_5678; // the client's sequence numbers wrap during the transfer
        var list = new List<Segment>();
        var t = Start;
        void Add(bool fromClient, TcpFlags flags, uint seq, uint ack, ushort window, TcpOptions options, byte[] payload)
        {
            var h = new TcpHeaderFields
            {
                SourcePort = fromClient ? (ushort)40123 : (ushort)80,
                DestinationPort = fromClient ? (ushort)80 : (ushort)40123,
                Seq = new SeqNum(seq), Ack = new SeqNum(ack), Flags = flags, Window = window, Options = options,
            };
            list.Add(new Segment(fromClient, h, payload, t));
            t += 1_001_001; // keeps every nanosecond digit busy
        }

        var synOptions = new TcpOptions { HasMss = true, Mss = 1460, HasWindowScale = true, WindowScale = 7, SackPermitted = true, HasTimestamps = true, TsVal = 1000, TsEcr = 0 };
        var synAckOptions = synOptions with { Mss = 1400, WindowScale = 9, TsVal = 5000, TsEcr = 1000 };
        var ts = new TcpOptions { HasTimestamps = true, TsVal = 1001, TsEcr = 5000 };
        var request = "GET / HTTP/1.1\r\nHost: synack\r\n\r\n"u8.ToArray();
        var response = new byte[1200];
        for (var i = 0; i < response.Length; i++)
            response[i] = (byte)(i * 31);

        Add(true, TcpFlags.Syn, iss, 0, 64240, synOptions, []);
        Add(false, TcpFlags.Syn | TcpFlags.Ack, irs, iss + 1, 65160, synAckOptions, []);
        Add(true, TcpFlags.Ack, iss + 1, irs + 1, 502, ts, []);
        Add(true, TcpFlags.Psh | TcpFlags.Ack, iss + 1, irs + 1, 502, ts, request);
        var sack = ts with { TsVal = 5001, TsEcr = 1001 };
        sack.AddSackBlock(new SackBlock(new SeqNum(iss + 1 + 300), new SeqNum(iss + 1 + 400)));
        Add(false, TcpFlags.Ack, irs + 1, iss + 1 + (uint)request.Length, 509, sack, []);
        Add(false, TcpFlags.Psh | TcpFlags.Ack, irs + 1, iss + 1 + (uint)request.Length, 509, default, response);
        Add(true, TcpFlags.Fin | TcpFlags.Ack, iss + 1 + (uint)request.Length, irs + 1 + (uint)response.Length, 500, default, []);
        Add(false, TcpFlags.Fin | TcpFlags.Ack, irs + 1 + (uint)response.Length, iss + 2 + (uint)request.Length, 509, default, []);
        Add(true, TcpFlags.Ack, iss + 2 + (uint)request.Length, irs + 2 + (uint)response.Length, 500, default, []);
        Add(true, TcpFlags.Rst, iss + 2 + (uint)request.Length, 0, 0, default, []);
        return list;
    }

    private static byte[] Packet(Segment s)
    {
        var buffer = new byte[2048];
        var n = s.FromClient
            ? IpPacket.WriteTcp(buffer, Client, Server, s.Header, s.Payload)
            : IpPacket.WriteTcp(buffer, Server, Client, s.Header, s.Payload);
        return buffer[..n];
    }

    private static readonly string[] Fields =
    [
        "frame.number", "frame.time_epoch", "frame.packet_flags_direction", "frame.interface_id",
        "ip.src", "ip.checksum.status", "tcp.srcport", "tcp.dstport", "tcp.seq_raw", "tcp.ack_raw", "tcp.flags",
        "tcp.window_size_value", "tcp.len", "tcp.checksum.status", "tcp.options.mss_val", "tcp.options.wscale.shift",
        "tcp.options.timestamp.tsval", "tcp.options.timestamp.tsecr", "tcp.options.sack_le", "tcp.options.sack_re", "tcp.payload",
    ];

    private static List<Dictionary<string, string>> Tshark(string file)
        => TsharkFields.Read(file, Fields, "-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE",
            "-o", "tcp.relative_sequence_numbers:FALSE", "-o", "tcp.analyze_sequence_numbers:FALSE");

    [Fact]
    public void TsharkDecodesSynAckPcapNgFrameForFrame()
    {
        Requirement.Tools("tshark");
        var segments = Conversation();
        var path = Path.Combine(_dir, "synack.pcapng");
        using (var w = new PcapNgWriter(File.Create(path)))
        {
            w.AddInterface(LinkType.Ethernet, "decoy");
            var raw = w.AddInterface(LinkType.Raw, "synack0");
            foreach (var s in segments)
                w.WritePacket(raw, s.Time, Packet(s), s.FromClient ? PacketDirection.Outbound : PacketDirection.Inbound);
        }

        var rows = Tshark(path);
        AssertFrames(segments, rows, nanosecond: true);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal("1", rows[i]["frame.interface_id"]);
            // pcapng direction: 1 inbound, 2 outbound (tshark prints the masked bits).
            Assert.Equal(segments[i].FromClient ? 2 : 1, TsharkFields.Number(rows[i]["frame.packet_flags_direction"]));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TsharkDecodesSynAckPcapFrameForFrame(bool nanosecond)
    {
        Requirement.Tools("tshark");
        var segments = Conversation();
        var path = Path.Combine(_dir, nanosecond ? "synack-ns.pcap" : "synack-us.pcap");
        using (var w = new PcapWriter(File.Create(path), LinkType.Raw, nanosecond))
        {
            foreach (var s in segments)
                w.WritePacket(s.Time, Packet(s));
        }
        AssertFrames(segments, Tshark(path), nanosecond);
    }

    private static void AssertFrames(List<Segment> segments, List<Dictionary<string, string>> rows, bool nanosecond)
    {
        Assert.Equal(segments.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var (s, r) = (segments[i], rows[i]);
            var h = s.Header;
            Assert.Equal(i + 1, TsharkFields.Number(r["frame.number"]));
            var expectedTime = nanosecond ? s.Time : s.Time / 1000 * 1000;
            Assert.Equal(expectedTime, TsharkFields.EpochNanoseconds(r["frame.time_epoch"]));
            Assert.Equal(s.FromClient ? "198.18.0.2" : "198.18.0.1", r["ip.src"]);
            // Wireshark's checksum status values: 0 Bad, 1 Good, 2 Unverified, 3 Not present.
            Assert.Equal(GoodChecksum, r["ip.checksum.status"]);
            Assert.Equal(GoodChecksum, r["tcp.checksum.status"]);
            Assert.Equal(h.SourcePort, TsharkFields.Number(r["tcp.srcport"]));
            Assert.Equal(h.DestinationPort, TsharkFields.Number(r["tcp.dstport"]));
            Assert.Equal(h.Seq.Value, TsharkFields.Number(r["tcp.seq_raw"]));
            Assert.Equal(h.Ack.Value, TsharkFields.Number(r["tcp.ack_raw"]));
            Assert.Equal((long)h.Flags, TsharkFields.Number(r["tcp.flags"]));
            Assert.Equal(h.Window, TsharkFields.Number(r["tcp.window_size_value"]));
            Assert.Equal(s.Payload.Length, TsharkFields.Number(r["tcp.len"]));
            Assert.Equal(h.Options.HasMss ? h.Options.Mss.ToString(System.Globalization.CultureInfo.InvariantCulture) : "", r["tcp.options.mss_val"]);
            Assert.Equal(h.Options.HasWindowScale ? h.Options.WindowScale.ToString(System.Globalization.CultureInfo.InvariantCulture) : "", r["tcp.options.wscale.shift"]);
            Assert.Equal(h.Options.HasTimestamps ? h.Options.TsVal.ToString(System.Globalization.CultureInfo.InvariantCulture) : "", r["tcp.options.timestamp.tsval"]);
            Assert.Equal(h.Options.HasTimestamps ? h.Options.TsEcr.ToString(System.Globalization.CultureInfo.InvariantCulture) : "", r["tcp.options.timestamp.tsecr"]);
            if (h.Options.SackBlockCount > 0)
            {
                Assert.Equal(h.Options.GetSackBlock(0).Left.Value, TsharkFields.Number(r["tcp.options.sack_le"]));
                Assert.Equal(h.Options.GetSackBlock(0).Right.Value, TsharkFields.Number(r["tcp.options.sack_re"]));
            }
            Assert.Equal(Convert.ToHexString(s.Payload), r["tcp.payload"].Replace(":", "", StringComparison.Ordinal).ToUpperInvariant());
        }
    }
}
