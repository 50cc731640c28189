using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// hping3-style probes: odd flag combinations to a listening port and to a closed one, each row with the answer
/// RFC 9293 (or Linux, where the RFC leaves a choice) gives and the reason. Options with illegal lengths are here too.
/// </summary>
public sealed class OddSegmentTests
{
    public enum Answer
    {
        /// <summary>Nothing goes back.</summary>
        Nothing,

        /// <summary>&lt;SEQ=ISS&gt;&lt;ACK=SEG.SEQ+1&gt;&lt;CTL=SYN,ACK&gt;.</summary>
        SynAck,

        /// <summary>&lt;SEQ=SEG.ACK&gt;&lt;CTL=RST&gt;.</summary>
        RstAtAck,

        /// <summary>&lt;SEQ=0&gt;&lt;ACK=SEG.SEQ+SEG.LEN&gt;&lt;CTL=RST,ACK&gt;.</summary>
        RstAckOfSeq,
    }

    private const ushort ClosedPort = 81;
    private const uint PeerSeq = 1_000_000;
    private const uint PeerAck = 5_000;

    private const TcpFlags F = TcpFlags.Fin;
    private const TcpFlags S = TcpFlags.Syn;
    private const TcpFlags R = TcpFlags.Rst;
    private const TcpFlags P = TcpFlags.Psh;
    private const TcpFlags A = TcpFlags.Ack;
    private const TcpFlags U = TcpFlags.Urg;
    private const TcpFlags E = TcpFlags.Ece;
    private const TcpFlags C = TcpFlags.Cwr;

    public static TheoryData<TcpFlags, bool, Answer, TcpDropReason, string> Rows => new()
    {
        // To a listening port: RFC 9293 §3.10.7.2, in its order (RST, then ACK, then SYN), Linux where noted.
        { TcpFlags.None, true, Answer.Nothing, TcpDropReason.ListenNoSyn, "null scan: no SYN, RST or ACK — §3.10.7.2 fourth: drop" },
        { F, true, Answer.Nothing, TcpDropReason.ListenNoSyn, "FIN scan: §3.10.7.2 fourth: drop" },
        { F | P | U, true, Answer.Nothing, TcpDropReason.ListenNoSyn, "Xmas scan: §3.10.7.2 fourth: drop" },
        { P, true, Answer.Nothing, TcpDropReason.ListenNoSyn, "PSH alone: §3.10.7.2 fourth: drop" },
        { U, true, Answer.Nothing, TcpDropReason.ListenNoSyn, "URG alone: §3.10.7.2 fourth: drop" },
        { S, true, Answer.SynAck, TcpDropReason.None, "SYN: §3.10.7.2 third: SYN-ACK" },
        { S | P, true, Answer.SynAck, TcpDropReason.None, "SYN+PSH: PSH is no control; §3.10.7.2 third" },
        { S | U, true, Answer.SynAck, TcpDropReason.None, "SYN+URG: §3.10.7.2 third (Linux answers too)" },
        { S | E | C, true, Answer.SynAck, TcpDropReason.None, "ECN setup SYN (RFC 3168 §6.1.1): answered, ECN not negotiated" },
        { S | F, true, Answer.Nothing, TcpDropReason.ListenSynFin, "SYN+FIN: the RFC leaves it open; Linux drops it (nmap T3 tells stacks apart by it)" },
        { S | F | P | U, true, Answer.Nothing, TcpDropReason.ListenSynFin, "SYN+FIN+PSH+URG: as SYN+FIN (Linux)" },
        { S | R, true, Answer.Nothing, TcpDropReason.ListenRst, "SYN+RST: §3.10.7.2 first: a RST is ignored" },
        { R, true, Answer.Nothing, TcpDropReason.ListenRst, "RST: §3.10.7.2 first: ignored" },
        { R | A, true, Answer.Nothing, TcpDropReason.ListenRst, "RST+ACK: §3.10.7.2 first: ignored" },
        { A, true, Answer.RstAtAck, TcpDropReason.ListenAck, "ACK scan: §3.10.7.2 second: <SEQ=SEG.ACK><CTL=RST>" },
        { F | A, true, Answer.RstAtAck, TcpDropReason.ListenAck, "FIN+ACK: §3.10.7.2 second" },
        { S | A, true, Answer.RstAtAck, TcpDropReason.ListenAck, "SYN+ACK: §3.10.7.2 second" },
        { S | F | A | P | U, true, Answer.RstAtAck, TcpDropReason.ListenAck, "all but RST: the ACK check comes first (§3.10.7.2 second)" },
        { F | S | R | P | A | U | E | C, true, Answer.Nothing, TcpDropReason.ListenRst, "every flag: the RST check comes first" },

        // To a closed port: RFC 9293 §3.10.7.1.
        { TcpFlags.None, false, Answer.RstAckOfSeq, TcpDropReason.NoConnection, "null scan: §3.10.7.1: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>" },
        { F, false, Answer.RstAckOfSeq, TcpDropReason.NoConnection, "FIN scan: SEG.LEN counts the FIN" },
        { F | P | U, false, Answer.RstAckOfSeq, TcpDropReason.NoConnection, "Xmas scan: §3.10.7.1" },
        { S, false, Answer.RstAckOfSeq, TcpDropReason.NoConnection, "SYN: refused, SEG.LEN counts the SYN" },
        { S | F, false, Answer.RstAckOfSeq, TcpDropReason.NoConnection, "SYN+FIN: SEG.LEN = 2 (Linux answers alike)" },
        { A, false, Answer.RstAtAck, TcpDropReason.NoConnection, "ACK: §3.10.7.1: <SEQ=SEG.ACK><CTL=RST>" },
        { S | A, false, Answer.RstAtAck, TcpDropReason.NoConnection, "SYN+ACK: §3.10.7.1" },
        { F | A, false, Answer.RstAtAck, TcpDropReason.NoConnection, "FIN+ACK: §3.10.7.1" },
        { R, false, Answer.Nothing, TcpDropReason.RstNoConnection, "RST: §3.10.7.1: never answered" },
        { R | A, false, Answer.Nothing, TcpDropReason.RstNoConnection, "RST+ACK: §3.10.7.1: never answered" },
        { S | R, false, Answer.Nothing, TcpDropReason.RstNoConnection, "SYN+RST: §3.10.7.1: a RST is never answered" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void Each_odd_segment_gets_the_answer_written_beside_it(TcpFlags flags, bool open, Answer answer, TcpDropReason drop, string why)
    {
        Assert.False(string.IsNullOrEmpty(why));
        var p = new CraftedPeer();
        p.Stack.Listen(CraftedPeer.LocalPort);
        var seq = new SeqNum(PeerSeq);
        p.Deliver(flags, seq, new SeqNum(PeerAck), fromPort: CraftedPeer.RemotePort, toPort: open ? CraftedPeer.LocalPort : ClosedPort);
        var sent = p.Poll();
        int segLen = ((flags & TcpFlags.Syn) != 0 ? 1 : 0) + ((flags & TcpFlags.Fin) != 0 ? 1 : 0);
        switch (answer)
        {
            case Answer.Nothing:
                Assert.Empty(sent);
                break;
            case Answer.SynAck:
                var synAck = Assert.Single(sent);
                Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
                Assert.Equal(seq + 1, synAck.Ack);
                break;
            case Answer.RstAtAck:
                var rst = Assert.Single(sent);
                Assert.Equal(TcpFlags.Rst, rst.Flags);
                Assert.Equal(new SeqNum(PeerAck), rst.Seq);
                break;
            case Answer.RstAckOfSeq:
                var rstAck = Assert.Single(sent);
                Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, rstAck.Flags);
                Assert.Equal(default, rstAck.Seq);
                Assert.Equal(seq + segLen, rstAck.Ack);
                break;
        }
        if (drop == TcpDropReason.None)
            Assert.Equal(0, p.Stack.Counters.TotalDrops);
        else
            Assert.Equal(1, p.Stack.Counters.Drops(drop));
        p.Checker.ThrowIfViolated();
    }

    public static TheoryData<byte[], string> IllegalOptions => new()
    {
        { [2, 0, 0, 0], "MSS with length 0" },
        { [2, 1, 0, 0], "MSS with length 1" },
        { [2, 3, 5, 0], "MSS with length 3" },
        { [2, 40, 5, 0xB4], "MSS with length 40, past the header" },
        { [1, 1, 1, 8], "timestamps kind in the last byte, without its length" },
        { [30, 1, 0, 0], "unknown kind with length 1" },
        { [3, 4, 7, 0], "window scale with length 4" },
    };

    [Theory]
    [MemberData(nameof(IllegalOptions))]
    public void A_syn_with_an_illegal_option_length_is_answered_on_open_and_closed_ports(byte[] options, string what)
    {
        // RFC 9293 §3.1 MUST-7: be prepared for illegal option lengths; Linux stops parsing options and processes the segment.
        Assert.False(string.IsNullOrEmpty(what));
        var p = new CraftedPeer();
        p.Stack.Listen(CraftedPeer.LocalPort);
        p.Stack.Deliver(SynWithRawOptions(options, CraftedPeer.LocalPort), p.Now);
        var synAck = Assert.Single(p.Poll());
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);

        p.Stack.Deliver(SynWithRawOptions(options, ClosedPort), p.Now);
        Assert.Equal(TcpFlags.Rst | TcpFlags.Ack, Assert.Single(p.Poll()).Flags);
        Assert.Equal(0, p.Stack.Counters.Drops(TcpDropReason.MalformedTcp));
    }

    private static byte[] SynWithRawOptions(byte[] options, ushort port)
    {
        int optionLength = (options.Length + 3) & ~3;
        var tcp = new byte[20 + optionLength];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(tcp, CraftedPeer.RemotePort);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), port);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), PeerSeq);
        tcp[12] = (byte)(tcp.Length / 4 << 4);
        tcp[13] = (byte)TcpFlags.Syn;
        tcp[14] = 0xFF;
        tcp[15] = 0xFF;
        options.CopyTo(tcp, 20);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(16),
            Checksum.Compute(tcp, Checksum.PseudoHeaderSum(CraftedPeer.Remote, CraftedPeer.Local, IpProtocol.Tcp, tcp.Length)));
        var packet = new byte[20 + tcp.Length];
        Ipv4Packet.WriteHeader(packet, new Ipv4HeaderFields { Source = CraftedPeer.Remote, Destination = CraftedPeer.Local, Protocol = IpProtocol.Tcp }, tcp.Length);
        tcp.CopyTo(packet, 20);
        return packet;
    }
}
