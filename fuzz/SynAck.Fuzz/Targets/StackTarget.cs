using SynAck.Diagnostics;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Fuzz.Targets;

/// <summary>
/// A <see cref="NetStack"/> fed a program of segments and user calls decoded from the fuzzer's bytes. The program
/// starts from an established connection, so most segments are judged against a live window (RFC 9293 §3.10.7.4),
/// not thrown away at the first check. After every step the engine's invariants must hold; a violation throws.
/// </summary>
internal static partial class StackTarget
{
    private static readonly IpAddress Local = IpAddress.V4(10, 0, 0, 2);
    private static readonly IpAddress Peer = IpAddress.V4(10, 0, 0, 1);
    private const ushort Port = 80;
    private const ushort PeerPort = 40000;

    private static readonly TcpSettings Settings = new() { SendBufferSize = 4096, ReceiveBufferSize = 4096, Msl = Duration.FromSeconds(1) };

    /// <summary>Bytes the established connection took in during the last run: a check that programs get past the handshake.</summary>
    public static long LastRunBytesReceived { get; private set; }

    public static void Run(ReadOnlySpan<byte> data)
    {
        LastRunBytesReceived = 0;
        var input = new FuzzInput(data);
        var stack = new NetStack(Local, Settings, new SplitMix64Random(input.Byte()));
        var checker = new TransitionChecker();
        stack.AddObserver(checker);
        stack.Listen(Port, backlog: 2);
        var world = new World(stack);

        // Handshake with options, so window scaling, SACK and timestamps are in play for what follows.
        world.Segment(PeerPort, TcpFlags.Syn, new SeqNum(1000), default, 65535, SynOptions(), 0);
        var synAck = world.LastFromStack;
        world.Segment(PeerPort, TcpFlags.Ack, new SeqNum(1001), synAck.Seq + 1, 65535, world.Timestamps(), 0);
        stack.TryAccept(Port, out var handle);
        var id = new ConnectionId(Local, Port, Peer, PeerPort);

        for (int step = 0; step < 400 && !input.End; step++)
        {
            bool live = stack.TryGetConnection(id, out var c);
            SeqNum peerNxt = live ? c.RcvNxt : new SeqNum(1001);
            SeqNum ourNxt = live ? c.SndNxt : synAck.Seq + 1;
            switch (input.Byte() % 10)
            {
                case 0 or 1 or 2 or 3:
                {
                    var flags = (TcpFlags)(input.Byte() & 0x3F);
                    var seq = peerNxt + input.Int16();
                    var ack = ourNxt + input.Int16();
                    ushort window = input.UInt16();
                    var options = Options(ref input, world, ourNxt);
                    world.Segment(PeerPort, flags, seq, ack, window, options, input.Byte() % 3 == 0 ? input.Byte() * 8 : input.Byte() % 16);
                    break;
                }
                case 4:
                    if (input.Byte() % 2 == 0)
                        stack.Deliver(input.Take(input.Byte()), world.Now);
                    else
                        IpStep(ref input, stack, world, peerNxt, ourNxt);
                    break;
                case 5:
                    world.Segment((ushort)(PeerPort + 1 + input.Byte() % 4), (TcpFlags)(input.Byte() & 0x3F) | TcpFlags.Syn, new SeqNum(input.UInt32()), new SeqNum(input.UInt32()), input.UInt16(), SynOptions(), input.Byte() % 8);
                    break;
                case 6:
                    User(ref input, stack, ref handle, world.Now);
                    break;
                case 7:
                    world.Now += Duration.FromMilliseconds(input.Byte() * 5);
                    break;
                case 8:
                    if (stack.NextDeadline != Instant.MaxValue && stack.NextDeadline > world.Now)
                        world.Now = stack.NextDeadline;
                    break;
                default:
                    // A well-behaved peer: acknowledge everything sent so far and offer a full window.
                    if (live)
                        world.Segment(PeerPort, TcpFlags.Ack, peerNxt, c.SndMax, 65535, world.Timestamps(), 0);
                    break;
            }
            world.Poll();
            Check(stack, checker, id);
            if (stack.TryGetConnection(id, out var after))
                LastRunBytesReceived = Math.Max(LastRunBytesReceived, after.RcvNxt - (after.Irs + 1));
        }
    }

    private static void User(ref FuzzInput input, NetStack stack, ref TcpHandle handle, Instant now)
    {
        if (handle == default)
        {
            stack.TryAccept(Port, out handle);
            return;
        }
        if (stack.State(handle) == TcpState.Closed)
            return;
        switch (input.Byte() % 6)
        {
            case 0:
                // SendSpace is 0 once the sending side is shut down, where SEND is an error (RFC 9293 §3.10.2).
                Span<byte> data = stackalloc byte[input.Byte() * 16];
                data.Fill(0x5A);
                if (stack.SendSpace(handle) > 0)
                    stack.Send(handle, data[..Math.Min(data.Length, stack.SendSpace(handle))], now);
                break;
            case 1:
                Span<byte> into = stackalloc byte[input.Byte() * 16 + 1];
                stack.Receive(handle, into, now);
                break;
            case 2:
                stack.Shutdown(handle, now);
                break;
            case 3:
                stack.Close(handle, now);
                handle = default;
                break;
            case 4:
                stack.Abort(handle, now);
                handle = default;
                break;
            default:
                stack.SetNoDelay(handle, input.Byte() % 2 == 0);
                break;
        }
    }

    private static TcpOptions SynOptions() => new() { HasMss = true, Mss = 536, HasWindowScale = true, WindowScale = 2, SackPermitted = true, HasTimestamps = true, TsVal = 1, TsEcr = 0 };

    private static TcpOptions Options(ref FuzzInput input, World world, SeqNum ourNxt)
    {
        byte which = input.Byte();
        var o = (which & 1) != 0 ? world.Timestamps(input.Int16()) : default;
        if ((which & 2) != 0)
            (o.HasMss, o.Mss) = (true, input.UInt16());
        if ((which & 4) != 0)
            (o.HasWindowScale, o.WindowScale) = (true, input.Byte());
        for (int i = 0; i < ((which >> 3) & 3); i++)
        {
            var left = ourNxt + input.Int16();
            o.TryAddSackBlock(new SackBlock(left, left + input.Byte() * 8));
        }
        return o;
    }

    private static void Check(NetStack stack, TransitionChecker checker, in ConnectionId id)
    {
        checker.ThrowIfViolated();
        if (!stack.TryGetConnection(id, out var c))
            return;
        if (!(c.SndUna <= c.SndNxt && c.SndNxt <= c.SndMax))
            throw new InvalidOperationException($"send sequence out of order: SND.UNA {c.SndUna}, SND.NXT {c.SndNxt}, SND.MAX {c.SndMax}");
        if (c.SendQueued < 0 || c.SendQueued > Settings.SendBufferSize || c.ReceiveAvailable < 0 || c.ReceiveAvailable > Settings.ReceiveBufferSize)
            throw new InvalidOperationException($"buffer out of bounds: {c.SendQueued} queued to send, {c.ReceiveAvailable} readable");
        if (c.RcvWnd > (uint)Settings.ReceiveBufferSize)
            throw new InvalidOperationException($"receive window {c.RcvWnd} larger than the buffer");
    }

    /// <summary>The peer's side: the clock, its timestamp clock, and what the stack sent last.</summary>
    private sealed class World(NetStack stack) : IPacketSink
    {
        private uint _tsVal = 1;

        public Instant Now { get; set; } = Instant.FromMilliseconds(1000);

        public (TcpFlags Flags, SeqNum Seq, uint TsVal) LastFromStack { get; private set; }

        public TcpOptions Timestamps(short skew = 1) => new() { HasTimestamps = true, TsVal = _tsVal += (uint)Math.Max((int)skew, 0), TsEcr = LastFromStack.TsVal };

        public void Segment(ushort fromPort, TcpFlags flags, SeqNum seq, SeqNum ack, ushort window, in TcpOptions options, int payloadLength)
        {
            var h = new TcpHeaderFields { SourcePort = fromPort, DestinationPort = Port, Seq = seq, Ack = ack, Flags = flags, Window = window, Options = options };
            if (options.EncodedLength > TcpOptions.MaxLength)
                h.Options.ClearSackBlocks();
            Span<byte> payload = stackalloc byte[payloadLength];
            payload.Fill(0xA5);
            var buffer = new byte[IpPacket.TcpPacketLength(Peer, h.Options, payloadLength)];
            IpPacket.WriteTcp(buffer, Peer, Local, h, payload);
            stack.Deliver(buffer, Now);
            Poll();
        }

        public void Poll() => stack.Poll(Now, this);

        public void Send(ReadOnlySpan<byte> ipPacket)
        {
            if (IpPacket.TryParse(ipPacket, out var ip) == WireStatus.Ok && ip.TryGetTcp(out var tcp) == WireStatus.Ok)
                LastFromStack = (tcp.Flags, tcp.Seq, tcp.Options.HasTimestamps ? tcp.Options.TsVal : LastFromStack.TsVal);
        }
    }
}
