using SynAck.Diagnostics;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

/// <summary>
/// One stack under test and a scripted peer that crafts every segment by hand, to drive a connection into a
/// chosen state and check the stack's answer to one segment (RFC 9293 §3.10.7, step by step).
/// </summary>
internal sealed class CraftedPeer : IPacketSink
{
    public static readonly IpAddress Local = IpAddress.V4(10, 0, 0, 2);
    public static readonly IpAddress Remote = IpAddress.V4(10, 0, 0, 1);
    public const ushort LocalPort = 80;
    public const ushort RemotePort = 40000;

    private readonly List<SegmentRecord> _out = [];

    public CraftedPeer(TcpSettings? settings = null, uint peerIss = 1_000_000)
    {
        PeerIss = peerIss;
        Stack = new NetStack(Local, settings ?? TcpSettings.Default, new SplitMix64Random(9));
        Checker = new TransitionChecker((settings ?? TcpSettings.Default).AnyDemonstration);
        Stack.AddObserver(Checker);
        Stack.AddObserver(Log);
    }

    public NetStack Stack { get; }

    public TransitionChecker Checker { get; }

    public EventLog Log { get; } = new();

    public Instant Now { get; set; } = Instant.FromMilliseconds(1000);

    /// <summary>The peer's ISS; its next sequence number is tracked in <see cref="PeerNxt"/>.</summary>
    public uint PeerIss { get; }

    public SeqNum PeerNxt { get; set; }

    /// <summary>The stack's ISS, learned from its SYN or SYN-ACK.</summary>
    public SeqNum LocalIss { get; private set; }

    public TcpHandle Handle { get; private set; }

    public ConnectionId Id => new(Local, LocalPort, Remote, RemotePort);

    public TcpState State => Stack.StateOf(Id);

    public TcpConnection Connection => Stack.TryGetConnection(Id, out var c) ? c : throw new InvalidOperationException("no connection");

    public void Deliver(TcpFlags flags, SeqNum seq, SeqNum ack, int payloadLength = 0, ushort window = 65535, TcpOptions options = default, ushort fromPort = RemotePort, ushort toPort = LocalPort)
    {
        var h = new TcpHeaderFields { SourcePort = fromPort, DestinationPort = toPort, Seq = seq, Ack = ack, Flags = flags, Window = window, Options = options };
        var payload = new byte[payloadLength];
        var buf = new byte[IpPacket.TcpPacketLength(Remote, options, payloadLength)];
        IpPacket.WriteTcp(buf, Remote, Local, h, payload);
        Stack.Deliver(buf, Now);
    }

    /// <summary>Polls the stack at <see cref="Now"/> and returns what it sent.</summary>
    public List<SegmentRecord> Poll()
    {
        _out.Clear();
        Stack.Poll(Now, this);
        return [.. _out];
    }

    public void Send(ReadOnlySpan<byte> ipPacket) => _out.Add(SegmentRecord.Parse(Now, false, ipPacket));

    public void Advance(Duration d) => Now += d;

    // ---- driving the connection into each state ----

    public void ToSynReceived(int backlog = 8)
    {
        Stack.Listen(LocalPort, backlog);
        Deliver(TcpFlags.Syn, new SeqNum(PeerIss), default, options: new TcpOptions { HasMss = true, Mss = 1460 });
        var synAck = Poll().Single();
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, synAck.Flags);
        LocalIss = synAck.Seq;
        PeerNxt = new SeqNum(PeerIss + 1);
        Assert.Equal(TcpState.SynReceived, State);
    }

    public void ToEstablished(int backlog = 8)
    {
        ToSynReceived(backlog);
        Deliver(TcpFlags.Ack, PeerNxt, LocalIss + 1);
        Assert.Empty(Poll());
        Assert.True(Stack.TryAccept(LocalPort, out var h));
        Handle = h;
        Assert.Equal(TcpState.Established, State);
    }

    /// <summary>
    /// A passive open from a peer announcing MSS <paramref name="mss"/> and SACK, <paramref name="rtt"/> between the
    /// SYN-ACK and the ACK (SRTT's first sample), accepted; Nagle off. Returns the SYN-ACK.
    /// </summary>
    public SegmentRecord ToEstablishedWithSack(int mss, Duration rtt = default)
    {
        Stack.Listen(LocalPort);
        Deliver(TcpFlags.Syn, new SeqNum(PeerIss), default, options: new TcpOptions { HasMss = true, Mss = (ushort)mss, SackPermitted = true });
        var synAck = Poll().Single();
        LocalIss = synAck.Seq;
        PeerNxt = new SeqNum(PeerIss + 1);
        Advance(rtt);
        Deliver(TcpFlags.Ack, PeerNxt, synAck.Seq + 1);
        Poll();
        Assert.True(Stack.TryAccept(LocalPort, out var h));
        Handle = h;
        Stack.SetNoDelay(h, true);
        return synAck;
    }

    public void ToSynSent()
    {
        Handle = Stack.Connect(Remote, RemotePort, Now, LocalPort);
        var syn = Poll().Single();
        Assert.Equal(TcpFlags.Syn, syn.Flags);
        LocalIss = syn.Seq;
        PeerNxt = new SeqNum(PeerIss);
    }

    /// <summary>ESTABLISHED, then the application closes: FIN sent, FIN-WAIT-1.</summary>
    public SegmentRecord ToFinWait1()
    {
        ToEstablished();
        Stack.Close(Handle, Now);
        var fin = Poll().Single();
        Assert.True(fin.Has(TcpFlags.Fin));
        Assert.Equal(TcpState.FinWait1, State);
        return fin;
    }

    public void ToFinWait2()
    {
        var fin = ToFinWait1();
        Deliver(TcpFlags.Ack, PeerNxt, fin.Seq + 1);
        Poll();
        Assert.Equal(TcpState.FinWait2, State);
    }

    public void ToCloseWait()
    {
        ToEstablished();
        Deliver(TcpFlags.Fin | TcpFlags.Ack, PeerNxt, LocalIss + 1);
        PeerNxt += 1;
        var ack = Poll().Single();
        Assert.Equal(PeerNxt, ack.Ack);
        Assert.Equal(TcpState.CloseWait, State);
    }

    public SegmentRecord ToLastAck()
    {
        ToCloseWait();
        Stack.Close(Handle, Now);
        var fin = Poll().Single();
        Assert.True(fin.Has(TcpFlags.Fin));
        Assert.Equal(TcpState.LastAck, State);
        return fin;
    }

    public void ToClosing()
    {
        ToFinWait1();
        // The peer's own FIN, not acknowledging ours: both closed at once.
        Deliver(TcpFlags.Fin | TcpFlags.Ack, PeerNxt, LocalIss + 1);
        PeerNxt += 1;
        Poll();
        Assert.Equal(TcpState.Closing, State);
    }

    public void ToTimeWait()
    {
        ToFinWait2();
        Deliver(TcpFlags.Fin | TcpFlags.Ack, PeerNxt, LocalIss + 2);
        PeerNxt += 1;
        var ack = Poll().Single();
        Assert.Equal(PeerNxt, ack.Ack);
        Assert.Equal(TcpState.TimeWait, State);
    }

    /// <summary>Drives to the named state (for theories over states).</summary>
    public void To(TcpState state)
    {
        switch (state)
        {
            case TcpState.SynReceived: ToSynReceived(); break;
            case TcpState.Established: ToEstablished(); break;
            case TcpState.FinWait1: ToFinWait1(); break;
            case TcpState.FinWait2: ToFinWait2(); break;
            case TcpState.CloseWait: ToCloseWait(); break;
            case TcpState.Closing: ToClosing(); break;
            case TcpState.LastAck: ToLastAck(); break;
            case TcpState.TimeWait: ToTimeWait(); break;
            case TcpState.SynSent: ToSynSent(); break;
            case TcpState.Listen: Stack.Listen(LocalPort); break;
            default: throw new ArgumentOutOfRangeException(nameof(state));
        }
    }

    /// <summary>SND.NXT of the stack as the peer sees it (its next expected sequence number).</summary>
    public SeqNum LocalNxt => State switch
    {
        TcpState.FinWait1 or TcpState.FinWait2 or TcpState.Closing or TcpState.LastAck or TcpState.TimeWait => LocalIss + 2,
        _ => LocalIss + 1,
    };
}
