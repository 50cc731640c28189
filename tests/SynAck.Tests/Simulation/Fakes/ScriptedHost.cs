using SynAck.Stack;
using SynAck.Time;

namespace SynAck.Tests.Simulation.Fakes;

/// <summary>
/// A fake endpoint that sends packets at scripted times and records what it receives.
/// With <see cref="Echo"/> it also sends every received packet back with the addresses swapped.
/// </summary>
internal sealed class ScriptedHost : IPacketEndpoint
{
    private readonly PriorityQueue<byte[], (long Time, long Seq)> _outbox = new();
    private long _seq;

    public List<(Instant Time, byte[] Packet)> Received { get; } = [];

    public List<Instant> Polls { get; } = [];

    public bool Echo { get; init; }

    /// <summary>Queues <paramref name="packet"/> to leave at <paramref name="at"/>.</summary>
    public void SendAt(Instant at, byte[] packet) => _outbox.Enqueue(packet, (at.Nanoseconds, _seq++));

    public Instant NextDeadline => _outbox.TryPeek(out _, out var k) ? new Instant(k.Time) : Instant.MaxValue;

    public void Deliver(ReadOnlySpan<byte> ipPacket, Instant now)
    {
        var copy = ipPacket.ToArray();
        Received.Add((now, copy));
        if (Echo && copy.Length >= 20)
        {
            var reply = (byte[])copy.Clone();
            copy.AsSpan(12, 4).CopyTo(reply.AsSpan(16));
            copy.AsSpan(16, 4).CopyTo(reply.AsSpan(12));
            SendAt(now, reply);
        }
    }

    public void Poll(Instant now, IPacketSink sink)
    {
        Polls.Add(now);
        while (_outbox.TryPeek(out var p, out var k) && k.Time <= now.Nanoseconds)
        {
            _outbox.Dequeue();
            sink.Send(p);
        }
    }
}
