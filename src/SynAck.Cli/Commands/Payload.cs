using System.Runtime.InteropServices;

namespace SynAck.Cli.Commands;

/// <summary>
/// The bytes <c>connect</c> sends: a SplitMix64 stream from the seed, eight bytes per step. It costs about a
/// nanosecond per eight bytes, so the generator stays far below the link's speed (the compatibility
/// <see cref="System.Random"/> it replaces was a bottleneck), and the data never repeats, so a segment put at the
/// wrong offset changes the SHA-256.
/// </summary>
internal sealed class Payload(ulong seed)
{
    private ulong _state = seed;

    /// <summary>Fills <paramref name="chunk"/> with the next bytes of the stream (its length a multiple of 8 keeps
    /// the stream the same however it is cut; a shorter tail takes the low bytes of one more step).</summary>
    public void Fill(Span<byte> chunk)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(chunk);
        for (int i = 0; i < words.Length; i++)
            words[i] = Next();
        var tail = chunk[(words.Length * sizeof(ulong))..];
        if (!tail.IsEmpty)
        {
            ulong last = Next();
            for (int i = 0; i < tail.Length; i++, last >>= 8)
                tail[i] = (byte)last;
        }
    }

    private ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
