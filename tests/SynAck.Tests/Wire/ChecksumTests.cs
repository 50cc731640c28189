using System.Buffers.Binary;
using SynAck.Wire;

namespace SynAck.Tests.Wire;

public sealed class ChecksumTests
{
    [Fact]
    public void Rfc1071ExampleSumsToDdf2()
    {
        // RFC 1071 §3's worked example: words 0001 f203 f4f5 f6f7 sum to ddf2 after folding.
        byte[] data = [0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7];
        Assert.Equal(0xDDF2u, Checksum.Sum(data));
        Assert.Equal(0xDDF2u, Checksum.SumScalar(data));
        Assert.Equal((ushort)0x220D, Checksum.Compute(data));
    }

    [Fact]
    public void OddLengthPadsTheLastByteOnTheRight()
    {
        byte[] data = [0x12, 0x34, 0x56];
        Assert.Equal(0x1234u + 0x5600u, Checksum.Sum(data));
        Assert.Equal(0x1234u + 0x5600u, Checksum.SumScalar(data));
    }

    [Fact]
    public void EmptyDataSumsToTheInitialValue()
    {
        Assert.Equal(0u, Checksum.Sum([]));
        Assert.Equal(0x1234u, Checksum.Sum([], 0x1234));
        Assert.Equal((ushort)0xFFFF, Checksum.Compute([]));
    }

    [Fact]
    public void VectorizedSumEqualsScalarForEveryLengthUpTo2048AndOddAlignments()
    {
        var rng = new Random(1071);
        var buffer = new byte[2048 + 8];
        rng.NextBytes(buffer);
        for (int offset = 0; offset <= 7; offset++)
        {
            for (int length = 0; length <= 2048; length++)
            {
                var data = buffer.AsSpan(offset, length);
                uint initial = (uint)rng.Next(0, 0x1FFFF);
                uint expected = Checksum.SumScalar(data, initial);
                Assert.Equal(expected, Checksum.Sum(data, initial));
                Assert.Equal(expected, Checksum.Sum128(data, initial));
            }
        }
    }

    [Fact]
    public void AllOnesDataDoesNotOverflowTheVectorLanes()
    {
        // 0xFF everywhere maximizes every lane; 1 MiB + 3 crosses the block boundary of the vector loop.
        var data = new byte[(1 << 20) + 3];
        Array.Fill(data, (byte)0xFF);
        Assert.Equal(Checksum.SumScalar(data), Checksum.Sum(data));
        Assert.Equal(Checksum.SumScalar(data), Checksum.Sum128(data));
        Assert.Equal(Checksum.SumScalar(data, 0xFFFF_FFFF), Checksum.Sum(data, 0xFFFF_FFFF));
    }

    [Fact]
    public void LargeRandomBuffersAgreeWithScalar()
    {
        var rng = new Random(7);
        foreach (int length in new[] { 9000, 65535, 1 << 20, (1 << 20) + 4097 })
        {
            var data = new byte[length];
            rng.NextBytes(data);
            Assert.Equal(Checksum.SumScalar(data), Checksum.Sum(data));
            Assert.Equal(Checksum.SumScalar(data), Checksum.Sum128(data));
        }
    }

    [Fact]
    public void ChainedPartialSumsEqualOneSum()
    {
        var rng = new Random(3);
        var data = new byte[1000];
        rng.NextBytes(data);
        uint whole = Checksum.Sum(data);
        uint chained = Checksum.Sum(data.AsSpan(400), Checksum.Sum(data.AsSpan(0, 400)));
        Assert.Equal(whole, chained);
    }

    [Fact]
    public void PseudoHeaderV4MatchesTheBytesItStandsFor()
    {
        var src = IpAddress.Parse("192.0.2.1");
        var dst = IpAddress.Parse("198.51.100.7");
        // RFC 9293 §3.1: src, dst, zero, PTCL, TCP length.
        byte[] pseudo = [192, 0, 2, 1, 198, 51, 100, 7, 0, 6, 0x05, 0xDC];
        Assert.Equal(Checksum.SumScalar(pseudo), Checksum.PseudoHeaderSum(src, dst, IpProtocol.Tcp, 1500));
    }

    [Fact]
    public void PseudoHeaderV6MatchesTheBytesItStandsFor()
    {
        var src = IpAddress.Parse("2001:db8::1");
        var dst = IpAddress.Parse("2001:db8:ffff::42");
        // RFC 8200 §8.1: src, dst, 32-bit upper-layer length, 3 zero bytes, next header.
        var pseudo = new byte[40];
        src.WriteTo(pseudo);
        dst.WriteTo(pseudo.AsSpan(16));
        BinaryPrimitives.WriteUInt32BigEndian(pseudo.AsSpan(32), 70000);
        pseudo[39] = 6;
        Assert.Equal(Checksum.SumScalar(pseudo), Checksum.PseudoHeaderSum(src, dst, IpProtocol.Tcp, 70000));
    }

    [Fact]
    public void IncrementalUpdateEqualsFullRecomputeAfterRandomRewrites()
    {
        var rng = new Random(1624);
        var header = new byte[60];
        for (int trial = 0; trial < 20_000; trial++)
        {
            rng.NextBytes(header);
            header[10] = 0;
            header[11] = 0;
            ushort check = Checksum.Compute(header);
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), check);

            int word = rng.Next(0, 30);
            if (word == 5)
                continue; // the checksum field itself is not rewritten
            ushort oldWord = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(word * 2));
            ushort newWord = trial % 10 == 0 ? (ushort)(ushort.MaxValue - oldWord) : (ushort)rng.Next(0, 0x10000);
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(word * 2), newWord);
            ushort updated = Checksum.Update(check, oldWord, newWord);

            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), 0);
            ushort full = Checksum.Compute(header);
            // +0 and -0 (0x0000 and 0xFFFF) are the same one's-complement value; compare what verifies.
            BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(10), updated);
            Assert.Equal(0, Checksum.Compute(header));
            Assert.Equal(full % 0xFFFF, updated % 0xFFFF);
        }
    }

    [Fact]
    public void Rfc1624Example()
    {
        // RFC 1624 §4: HC = 0xDD2F, m = 0x5555 changes to m' = 0x3285 → HC' = 0x0000.
        Assert.Equal((ushort)0x0000, Checksum.Update(0xDD2F, 0x5555, 0x3285));
    }
}
