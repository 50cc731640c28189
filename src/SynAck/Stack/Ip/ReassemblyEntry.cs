using SynAck.Time;

namespace SynAck.Stack.Ip;

/// <summary>
/// One datagram under reassembly: its fragmentable part at the offsets it arrived at, a bit per 8-byte block
/// received (so overlaps are found without keeping a list of fragments), and the header of the first fragment.
/// </summary>
internal sealed class ReassemblyEntry
{
    /// <summary>8-byte blocks in the largest datagram (65,535 bytes).</summary>
    public const int MaxBlocks = 65536 / 8;

    /// <summary>Bytes an entry costs before any data: the block map and the object itself, roughly.</summary>
    public const int Overhead = MaxBlocks / 8 + 128;

    public ReassemblyEntry(in FragmentKey key, bool isV6, Instant expiry)
    {
        Key = key;
        IsV6 = isV6;
        Expiry = expiry;
    }

    public FragmentKey Key { get; }

    public bool IsV6 { get; }

    public Instant Expiry { get; }

    /// <summary>The fragmentable part, each fragment at its offset.</summary>
    public byte[] Data { get; set; } = [];

    public ulong[] Blocks { get; } = new ulong[MaxBlocks / 64];

    /// <summary>The first fragment's header (IPv4 header with options; IPv6 header chain through the fragment header), once it arrived.</summary>
    public byte[]? Header { get; set; }

    /// <summary>Length of the fragmentable part, known once the last fragment (MF clear) arrived; −1 before.</summary>
    public int TotalLength { get; set; } = -1;

    /// <summary>Bytes of the fragmentable part received.</summary>
    public int Received { get; set; }

    /// <summary>The furthest end of any fragment received.</summary>
    public int MaxEnd { get; set; }

    /// <summary>Bytes charged to the reassembly budget.</summary>
    public int Memory => Overhead + Data.Length + (Header?.Length ?? 0);

    /// <summary>Whether any of blocks [first, last) is set, and whether all are.</summary>
    public void Test(int first, int last, out bool any, out bool all)
    {
        any = false;
        all = true;
        for (int b = first; b < last; b++)
        {
            bool set = (Blocks[b >> 6] & (1UL << (b & 63))) != 0;
            any |= set;
            all &= set;
        }
    }

    public void Mark(int first, int last)
    {
        for (int b = first; b < last; b++)
            Blocks[b >> 6] |= 1UL << (b & 63);
    }
}
