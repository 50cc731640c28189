using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Links;

/// <summary>
/// A simulated host: a NetStack that accepts one connection on <see cref="Port"/>, sends back every
/// byte it receives, and closes once the peer has finished and everything is echoed.
/// </summary>
/// <remarks>
/// It reads eagerly, holding what it could not send yet, so its receive window never closes
/// because its own sends are blocked: a test of the link should not hinge on zero-window recovery.
/// </remarks>
internal sealed class SimEchoServer : IPacketEndpoint
{
    public const ushort Port = 7;

    private readonly byte[] _chunk = new byte[64 * 1024];
    private byte[] _pending = new byte[256 * 1024];
    private TcpHandle? _handle;
    private int _offset;
    private int _length;

    public SimEchoServer(IpAddress address, ulong seed)
    {
        Stack = new NetStack(address, TcpSettings.Default, new SplitMix64Random(seed));
        Stack.Listen(Port);
    }

    public NetStack Stack { get; }

    public long BytesEchoed { get; private set; }

    public bool Closed { get; private set; }

    public Instant NextDeadline => Stack.NextDeadline;

    public void Deliver(ReadOnlySpan<byte> ipPacket, Instant now)
    {
        Stack.Deliver(ipPacket, now);
        Pump(now);
    }

    public void Poll(Instant now, IPacketSink sink)
    {
        Pump(now);
        Stack.Poll(now, sink);
        // Sending may have freed room to receive more, and the ACKs just sent may let more echo out later.
        if (Pump(now))
            Stack.Poll(now, sink);
    }

    /// <summary>Moves bytes from the receive side to the send side; true when anything moved.</summary>
    private bool Pump(Instant now)
    {
        if (_handle is null)
        {
            if (!Stack.TryAccept(Port, out var accepted))
                return false;
            _handle = accepted;
        }
        if (Closed)
            return false;
        var h = _handle.Value;
        bool moved = false;
        int n;
        while ((n = Stack.Receive(h, _chunk, now)) > 0)
        {
            if (_length + n > _pending.Length)
                Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _length + n));
            _chunk.AsSpan(0, n).CopyTo(_pending.AsSpan(_length));
            _length += n;
            moved = true;
        }
        if (_offset < _length)
        {
            int sent = Stack.Send(h, _pending.AsSpan(_offset, _length - _offset), now);
            _offset += sent;
            BytesEchoed += sent;
            moved |= sent > 0;
            if (_offset == _length)
                _offset = _length = 0;
        }
        if (_offset == _length && Stack.IsReceiveComplete(h))
        {
            Stack.Close(h, now);
            Closed = true;
            moved = true;
        }
        return moved;
    }
}
