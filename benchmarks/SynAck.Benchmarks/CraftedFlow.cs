using System.Buffers.Binary;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Benchmarks;

/// <summary>
/// One <see cref="NetStack"/> with an ESTABLISHED connection (passive open) to a peer whose segments are built by
/// hand, as Linux would send them at MTU 1500: MSS 1460, window scale, SACK-permitted and timestamps on the SYN, so
/// every later segment carries a timestamp (12 bytes) and 1448 bytes of data. Packets are built once and reused: the
/// sequence or acknowledgment number is rewritten in place with the checksum updated as RFC 1624 does, so what is
/// measured is the stack's work, not the peer's. The clock stands still (<see cref="Now"/>), so the timestamps the
/// two ends send never change and every segment passes PAWS.
/// </summary>
internal sealed class CraftedFlow : IPacketSink
{
    public const int Payload = 1448;
    public const ushort LocalPort = 80;
    public const ushort RemotePort = 40000;
    private const uint PeerTsVal = 1_000;
    private const int TcpOffset = 20;

    public static readonly IpAddress Local = IpAddress.V4(10, 0, 0, 2);
    public static readonly IpAddress Remote = IpAddress.V4(10, 0, 0, 1);

    private uint _ourTsVal;

    public CraftedFlow()
    {
        Stack = new NetStack(Local, TcpSettings.Default, new SplitMix64Random(7));
        Stack.Listen(LocalPort, 8);
        var syn = new TcpOptions { HasMss = true, Mss = 1460, HasWindowScale = true, WindowScale = 7, SackPermitted = true, HasTimestamps = true, TsVal = PeerTsVal };
        Stack.Deliver(Build(TcpFlags.Syn, new SeqNum(PeerIss), default, 0, syn), Now);
        Stack.Poll(Now, this);
        PeerNxt = new SeqNum(PeerIss + 1);
        LocalNxt = LocalIss + 1;
        Stack.Deliver(Segment(PeerNxt, 0), Now);
        if (!Stack.TryAccept(LocalPort, out var handle) || Stack.State(handle) != TcpState.Established)
            throw new InvalidOperationException("the crafted handshake did not complete");
        Handle = handle;
    }

    public const uint PeerIss = 1_000_000;

    public NetStack Stack { get; }

    public TcpHandle Handle { get; }

    public Instant Now { get; } = Instant.FromMilliseconds(1000);

    /// <summary>The stack's ISS, read from its SYN-ACK.</summary>
    public SeqNum LocalIss { get; private set; }

    /// <summary>The next sequence number the stack sends (the peer acknowledges up to it).</summary>
    public SeqNum LocalNxt { get; set; }

    /// <summary>The peer's next sequence number.</summary>
    public SeqNum PeerNxt { get; set; }

    /// <summary>Packets the stack sent since it was made.</summary>
    public long Sent { get; private set; }

    /// <summary>Fails when the stack dropped, discarded or retransmitted anything: the benchmark would measure another path.</summary>
    public void CheckClean()
    {
        var c = Stack.Counters;
        if (c.TotalDrops != 0 || c.InErrs != 0 || c.InDiscards != 0 || c.RetransSegs != 0 || Stack.State(Handle) != TcpState.Established)
            throw new InvalidOperationException($"the crafted flow left the clean path: drops {c.TotalDrops}, errors {c.InErrs}, discards {c.InDiscards}, retransmitted {c.RetransSegs}");
    }

    /// <summary>A segment from the peer: ACK of <see cref="LocalNxt"/>, <paramref name="payload"/> bytes of data at <paramref name="seq"/>.</summary>
    public byte[] Segment(SeqNum seq, int payload)
    {
        var ts = new TcpOptions { HasTimestamps = true, TsVal = PeerTsVal, TsEcr = _ourTsVal };
        return Build(payload > 0 ? TcpFlags.Ack | TcpFlags.Psh : TcpFlags.Ack, seq, LocalNxt, payload, ts);
    }

    /// <summary>Rewrites the sequence number of a packet from <see cref="Segment"/>, keeping its checksum right (RFC 1624).</summary>
    public static void SetSeq(byte[] packet, SeqNum seq) => SetWord32(packet, TcpOffset + 4, seq.Value);

    /// <summary>Rewrites the acknowledgment number, keeping the checksum right (RFC 1624).</summary>
    public static void SetAck(byte[] packet, SeqNum ack) => SetWord32(packet, TcpOffset + 8, ack.Value);

    public void Send(ReadOnlySpan<byte> ipPacket)
    {
        Sent++;
        // Only the handshake is read (the stack's ISS and TSval); later packets are counted, not parsed.
        if (Handle != default)
            return;
        if (IpPacket.TryParse(ipPacket, out var ip) != WireStatus.Ok || ip.TryGetTcp(out var tcp) != WireStatus.Ok)
            return;
        if ((tcp.Flags & TcpFlags.Syn) != 0)
            LocalIss = tcp.Seq;
        if (tcp.Options.HasTimestamps)
            _ourTsVal = tcp.Options.TsVal;
    }

    private static byte[] Build(TcpFlags flags, SeqNum seq, SeqNum ack, int payload, TcpOptions options)
    {
        var h = new TcpHeaderFields { SourcePort = RemotePort, DestinationPort = LocalPort, Seq = seq, Ack = ack, Flags = flags, Window = 65535, Options = options };
        var packet = new byte[IpPacket.TcpPacketLength(Remote, options, payload)];
        var data = new byte[payload];
        new Random(payload).NextBytes(data);
        IpPacket.WriteTcp(packet, Remote, Local, h, data);
        return packet;
    }

    private static void SetWord32(byte[] packet, int offset, uint value)
    {
        var checksum = packet.AsSpan(TcpOffset + 16, 2);
        ushort sum = BinaryPrimitives.ReadUInt16BigEndian(checksum);
        for (int i = 0; i < 4; i += 2)
        {
            ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(packet.AsSpan(offset + i));
            ushort newWord = (ushort)(value >> (16 - 8 * i));
            sum = Checksum.Update(sum, oldWord, newWord);
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(offset + i), newWord);
        }
        BinaryPrimitives.WriteUInt16BigEndian(checksum, sum);
    }
}
