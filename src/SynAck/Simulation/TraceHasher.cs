using System.Buffers.Binary;

namespace SynAck.Simulation;

/// <summary>
/// Folds every event and every packet byte into one 64-bit value, so a test can assert that two
/// runs with one seed are identical (and that two seeds differ) without storing the trace.
/// Not a cryptographic hash: FNV-1a over the bytes, finished with a SplitMix64 mix.
/// </summary>
public sealed class TraceHasher : ISimObserver
{
    private ulong _h = 0xCBF29CE484222325UL;

    /// <summary>Events folded in so far.</summary>
    public long EventCount { get; private set; }

    /// <summary>The hash of everything seen so far.</summary>
    public ulong Value
    {
        get
        {
            ulong x = _h ^ (ulong)EventCount;
            return Xoshiro256StarStar.SplitMix64(ref x);
        }
    }

    public void OnEvent(in SimEvent e, ReadOnlySpan<byte> packet)
    {
        EventCount++;
        Span<byte> head = stackalloc byte[8 * 6];
        BinaryPrimitives.WriteInt64LittleEndian(head, e.Time.Nanoseconds);
        BinaryPrimitives.WriteInt64LittleEndian(head[8..], e.PacketId);
        BinaryPrimitives.WriteInt64LittleEndian(head[16..], e.Delay.Nanoseconds);
        BinaryPrimitives.WriteInt64LittleEndian(head[24..], e.RelatedId);
        BinaryPrimitives.WriteInt32LittleEndian(head[32..], e.Length);
        head[36] = (byte)e.Kind;
        head[37] = (byte)e.Reason;
        BinaryPrimitives.WriteInt32LittleEndian(head[40..], packet.Length);
        Add(head);
        AddName(e.From);
        AddName(e.To);
        Add(packet);
    }

    private void AddName(string? name)
    {
        if (name is null)
        {
            AddByte(0xFF);
            return;
        }
        foreach (char c in name)
        {
            AddByte((byte)c);
            AddByte((byte)(c >> 8));
        }
        AddByte(0);
    }

    private void Add(ReadOnlySpan<byte> data)
    {
        ulong h = _h;
        foreach (byte b in data)
            h = (h ^ b) * 0x100000001B3UL;
        _h = h;
    }

    private void AddByte(byte b) => _h = (_h ^ b) * 0x100000001B3UL;
}
