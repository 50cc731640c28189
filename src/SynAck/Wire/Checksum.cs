using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SynAck.Wire;

/// <summary>
/// The Internet checksum (RFC 1071): the one's-complement of the one's-complement sum of the
/// data taken as 16-bit big-endian words, with the IPv4 (RFC 9293 §3.1) and IPv6 (RFC 8200 §8.1)
/// pseudo-headers and the incremental update of RFC 1624.
/// </summary>
/// <remarks>
/// A partial sum is a value in [0, 0xFFFF] (folded, not complemented). Partial sums chain
/// through <c>initial</c>; every chunk except the last must have an even length so that the
/// 16-bit words stay aligned.
/// </remarks>
public static class Checksum
{
    // Each 256-bit accumulator lane gains at most 2 * 0xFFFF per vector; with four accumulators
    // summed together, 8192 rounds stay below 2^32 before the lanes are widened into a ulong.
    private const int RoundsPerBlock = 8192;

    /// <summary>
    /// The one's-complement sum of <paramref name="data"/> added to <paramref name="initial"/>,
    /// folded to 16 bits. Vectorized with <see cref="Vector256"/> / <see cref="Vector128"/> when
    /// the hardware has them.
    /// </summary>
    public static uint Sum(ReadOnlySpan<byte> data, uint initial = 0) => SumCore(data, initial, allow256: true);

    /// <summary><see cref="Sum"/> held to 128-bit vectors, so tests reach that path on AVX2 machines too.</summary>
    internal static uint Sum128(ReadOnlySpan<byte> data, uint initial = 0) => SumCore(data, initial, allow256: false);

    private static uint SumCore(ReadOnlySpan<byte> data, uint initial, bool allow256)
    {
        // RFC 1071 §2(B): the sum does not depend on byte order, so words are added in the
        // machine's order and swapped once at the end.
        ref byte p = ref MemoryMarshal.GetReference(data);
        int n = data.Length;
        int i = 0;
        ulong acc = 0;

        if (allow256 && Vector256.IsHardwareAccelerated && n >= 32)
            acc = SumVector256(ref p, n, ref i);
        else if (Vector128.IsHardwareAccelerated && n >= 16)
            acc = SumVector128(ref p, n, ref i);

        for (; i + 8 <= n; i += 8)
        {
            ulong v = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, i));
            acc += (uint)v;
            acc += v >> 32;
        }
        if (i + 4 <= n)
        {
            acc += Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, i));
            i += 4;
        }
        if (i + 2 <= n)
        {
            acc += Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref p, i));
            i += 2;
        }
        if (i < n)
        {
            // RFC 1071 §4.1: an odd final byte is padded with a zero byte on its right.
            byte last = Unsafe.Add(ref p, i);
            acc += BitConverter.IsLittleEndian ? last : (uint)last << 8;
        }

        ushort word = FoldTo16(acc);
        if (BitConverter.IsLittleEndian)
            word = BinaryPrimitives.ReverseEndianness(word);
        return FoldTo16((ulong)initial + word);
    }

    /// <summary>The plain RFC 1071 loop, one big-endian word at a time: the reference <see cref="Sum"/> is tested against.</summary>
    internal static uint SumScalar(ReadOnlySpan<byte> data, uint initial = 0)
    {
        ulong acc = 0;
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
            acc += (uint)(data[i] << 8 | data[i + 1]);
        if (i < data.Length)
            acc += (uint)data[i] << 8;
        return FoldTo16(FoldTo16(acc) + (ulong)initial);
    }

    /// <summary>
    /// The partial sum of the pseudo-header that TCP, UDP and ICMPv6 checksums cover: for IPv4
    /// source, destination, zero, protocol and TCP length (RFC 9293 §3.1); for IPv6 source,
    /// destination, 32-bit upper-layer length and next header (RFC 8200 §8.1).
    /// </summary>
    public static uint PseudoHeaderSum(IpAddress src, IpAddress dst, IpProtocol protocol, int upperLength)
    {
        ulong acc = src.SumOfWords() + dst.SumOfWords();
        acc += (byte)protocol;
        acc += (uint)upperLength >> 16;
        acc += (uint)upperLength & 0xFFFF;
        return FoldTo16(acc);
    }

    /// <summary>Folds carries into 16 bits and complements: the value to store in a checksum field.</summary>
    public static ushort Fold(uint sum) => (ushort)~FoldTo16(sum);

    /// <summary>The checksum of <paramref name="data"/> (after a partial sum <paramref name="initial"/>), ready to store.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data, uint initial = 0) => Fold(Sum(data, initial));

    /// <summary>
    /// The checksum after one 16-bit word of the covered data changed from <paramref name="oldWord"/>
    /// to <paramref name="newWord"/>, without summing the data again: RFC 1624 eqn. 3,
    /// HC' = ~(~HC + ~m + m').
    /// </summary>
    public static ushort Update(ushort oldChecksum, ushort oldWord, ushort newWord)
    {
        uint sum = (uint)(ushort)~oldChecksum + (ushort)~oldWord + newWord;
        return Fold(sum);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort FoldTo16(ulong acc)
    {
        acc = (acc & 0xFFFF_FFFF) + (acc >> 32);
        acc = (acc & 0xFFFF_FFFF) + (acc >> 32);
        uint s = (uint)acc;
        s = (s & 0xFFFF) + (s >> 16);
        s = (s & 0xFFFF) + (s >> 16);
        return (ushort)s;
    }

    private static ulong SumVector256(ref byte p, int n, ref int i)
    {
        var low = Vector256.Create(0xFFFFu);
        ulong acc = 0;
        while (n - i >= 128)
        {
            var a0 = Vector256<uint>.Zero;
            var a1 = Vector256<uint>.Zero;
            var a2 = Vector256<uint>.Zero;
            var a3 = Vector256<uint>.Zero;
            int rounds = Math.Min((n - i) / 128, RoundsPerBlock);
            for (int r = 0; r < rounds; r++, i += 128)
            {
                var v0 = Vector256.LoadUnsafe(ref p, (nuint)i).AsUInt32();
                var v1 = Vector256.LoadUnsafe(ref p, (nuint)(i + 32)).AsUInt32();
                var v2 = Vector256.LoadUnsafe(ref p, (nuint)(i + 64)).AsUInt32();
                var v3 = Vector256.LoadUnsafe(ref p, (nuint)(i + 96)).AsUInt32();
                a0 += (v0 & low) + (v0 >> 16);
                a1 += (v1 & low) + (v1 >> 16);
                a2 += (v2 & low) + (v2 >> 16);
                a3 += (v3 & low) + (v3 >> 16);
            }
            acc += Widen((a0 + a1) + (a2 + a3));
        }
        var a = Vector256<uint>.Zero;
        for (; n - i >= 32; i += 32)
        {
            var v = Vector256.LoadUnsafe(ref p, (nuint)i).AsUInt32();
            a += (v & low) + (v >> 16);
        }
        return acc + Widen(a);

        static ulong Widen(Vector256<uint> v)
        {
            var (lo, hi) = Vector256.Widen(v);
            return Vector256.Sum(lo + hi);
        }
    }

    private static ulong SumVector128(ref byte p, int n, ref int i)
    {
        var low = Vector128.Create(0xFFFFu);
        ulong acc = 0;
        while (n - i >= 64)
        {
            var a0 = Vector128<uint>.Zero;
            var a1 = Vector128<uint>.Zero;
            var a2 = Vector128<uint>.Zero;
            var a3 = Vector128<uint>.Zero;
            int rounds = Math.Min((n - i) / 64, RoundsPerBlock);
            for (int r = 0; r < rounds; r++, i += 64)
            {
                var v0 = Vector128.LoadUnsafe(ref p, (nuint)i).AsUInt32();
                var v1 = Vector128.LoadUnsafe(ref p, (nuint)(i + 16)).AsUInt32();
                var v2 = Vector128.LoadUnsafe(ref p, (nuint)(i + 32)).AsUInt32();
                var v3 = Vector128.LoadUnsafe(ref p, (nuint)(i + 48)).AsUInt32();
                a0 += (v0 & low) + (v0 >> 16);
                a1 += (v1 & low) + (v1 >> 16);
                a2 += (v2 & low) + (v2 >> 16);
                a3 += (v3 & low) + (v3 >> 16);
            }
            acc += Widen((a0 + a1) + (a2 + a3));
        }
        var a = Vector128<uint>.Zero;
        for (; n - i >= 16; i += 16)
        {
            var v = Vector128.LoadUnsafe(ref p, (nuint)i).AsUInt32();
            a += (v & low) + (v >> 16);
        }
        return acc + Widen(a);

        static ulong Widen(Vector128<uint> v)
        {
            var (lo, hi) = Vector128.Widen(v);
            return Vector128.Sum(lo + hi);
        }
    }
}
