using CsCheck;
using SynAck.Wire;

namespace SynAck.Tests.Wire;

/// <summary>
/// Property tests over random and mutated packets: no parser throws for any input, and every valid
/// packet SynAck writes parses back to exactly what was written. Together well over 100,000 packets.
/// </summary>
public sealed class WirePropertyTests
{
    /// <summary>A valid IP + TCP packet description, before writing.</summary>
    public sealed record TcpCase(IpAddress Src, IpAddress Dst, byte Ttl, ushort Identification, TcpHeaderFields Header, byte[] Payload)
    {
        public byte[] Write()
        {
            var buf = new byte[IpPacket.TcpPacketLength(Src, Header.Options, Payload.Length)];
            int n = IpPacket.WriteTcp(buf, Src, Dst, Header, Payload, Ttl, Identification);
            Assert.Equal(buf.Length, n);
            return buf;
        }

        public override string ToString() => $"{Src} > {Dst} ttl {Ttl} {Header} payload {Payload.Length}";
    }

    private static readonly Gen<IpAddress> GenV4 = Gen.UInt.Select(IpAddress.V4);

    private static readonly Gen<IpAddress> GenV6 = Gen.Byte.Array[16].Select(b => IpAddress.V6(b));

    private static readonly Gen<(IpAddress, IpAddress)> GenAddresses =
        Gen.Bool.SelectMany(v6 => v6 ? Gen.Select(GenV6, GenV6) : Gen.Select(GenV4, GenV4));

    private static readonly Gen<TcpOptions> GenOptions =
        from mss in Gen.Int[-1, ushort.MaxValue]
        from ws in Gen.Int[-1, byte.MaxValue]
        from sackOk in Gen.Bool
        from ts in Gen.Bool
        from tsVal in Gen.UInt
        from tsEcr in Gen.UInt
        from blocks in Gen.Select(Gen.UInt, Gen.UInt).Array[0, 4]
        select MakeOptions(mss, ws, sackOk, ts, tsVal, tsEcr, blocks);

    private static TcpOptions MakeOptions(int mss, int ws, bool sackOk, bool ts, uint tsVal, uint tsEcr, (uint, uint)[] blocks)
    {
        var o = new TcpOptions
        {
            HasMss = mss >= 0,
            Mss = mss >= 0 ? (ushort)mss : default,
            HasWindowScale = ws >= 0,
            WindowScale = ws >= 0 ? (byte)ws : default,
            SackPermitted = sackOk,
            HasTimestamps = ts,
            TsVal = ts ? tsVal : 0,
            TsEcr = ts ? tsEcr : 0,
        };
        foreach (var (left, right) in blocks)
        {
            // Only as many blocks as fit in the 40 option bytes next to the other options.
            if (o.EncodedLength + (o.SackBlockCount == 0 ? 12 : 8) > TcpOptions.MaxLength)
                break;
            o.AddSackBlock(new SackBlock(new SeqNum(left), new SeqNum(right)));
        }
        return o;
    }

    private static readonly Gen<TcpHeaderFields> GenHeader =
        from ports in Gen.Select(Gen.UShort, Gen.UShort)
        from seqs in Gen.Select(Gen.UInt, Gen.UInt)
        from flags in Gen.Byte
        from window in Gen.UShort
        from urgent in Gen.UShort
        from options in GenOptions
        select new TcpHeaderFields
        {
            SourcePort = ports.Item1,
            DestinationPort = ports.Item2,
            Seq = new SeqNum(seqs.Item1),
            Ack = new SeqNum(seqs.Item2),
            Flags = (TcpFlags)flags,
            Window = window,
            UrgentPointer = urgent,
            Options = options,
        };

    private static readonly Gen<TcpCase> GenTcpCase =
        from addresses in GenAddresses
        from ttl in Gen.Byte[1, 255]
        from id in Gen.UShort
        from header in GenHeader
        from payload in Gen.Byte.Array[0, 300]
        select new TcpCase(addresses.Item1, addresses.Item2, ttl, id, header, payload);

    [Fact]
    public void WrittenTcpPacketsParseBackToTheSameFields()
    {
        GenTcpCase.Sample(c =>
        {
            var bytes = c.Write();
            Assert.Equal(WireStatus.Ok, IpPacket.TryParse(bytes, out var ip));
            Assert.Equal(c.Src.IsV6 ? 6 : 4, ip.Version);
            Assert.Equal(c.Src, ip.Source);
            Assert.Equal(c.Dst, ip.Destination);
            Assert.Equal(c.Ttl, ip.Ttl);
            Assert.Equal(IpProtocol.Tcp, ip.Protocol);
            Assert.Equal(bytes.Length, ip.TotalLength);
            Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp));
            Assert.Equal(c.Header, tcp.Fields);
            Assert.True(tcp.Payload.SequenceEqual(c.Payload));
            if (c.Src.IsV4)
            {
                Assert.Equal(WireStatus.Ok, Ipv4Packet.TryParse(bytes, out var v4));
                Assert.Equal(c.Identification, v4.Identification);
            }
        }, iter: 30_000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void MutatedPacketsNeverThrow()
    {
        var gen =
            from c in GenTcpCase
            from flips in Gen.Int[0, 2 * 8 * 60].Array[1, 4]
            from cut in Gen.Int[0, 1000]
            select (c, flips, cut);
        int count = 0;
        gen.Sample((c, flips, cut) =>
        {
            var bytes = c.Write();
            foreach (int bit in flips)
            {
                int index = bit / 8 % bytes.Length;
                bytes[index] ^= (byte)(1 << (bit % 8));
            }
            int length = cut % 3 == 0 ? bytes.Length : cut % bytes.Length;
            Exercise(bytes.AsSpan(0, length));
            Interlocked.Increment(ref count);
        }, iter: 40_000, seed: "0N0XIzNsQ0O2");
        // Proves the packets were really fed (a seed alone could mean a single replayed case).
        Assert.True(count >= 40_000, $"{count} packets");
    }

    [Fact]
    public void RandomBytesNeverThrow()
    {
        var gen =
            from version in Gen.Int[0, 3]
            from bytes in Gen.Byte.Array[0, 120]
            select (version, bytes);
        int count = 0;
        gen.Sample((version, bytes) =>
        {
            // Steer half of the inputs past the version check so deeper code is reached.
            if (bytes.Length > 0 && version < 2)
                bytes[0] = (byte)((version == 0 ? 0x40 : 0x60) | (bytes[0] & 0x0F));
            Exercise(bytes);
            Interlocked.Increment(ref count);
        }, iter: 40_000, seed: "0N0XIzNsQ0O2");
        Assert.True(count >= 40_000, $"{count} packets");
    }

    [Fact]
    public void MutatedIcmpErrorsNeverThrowAndValidOnesRoundTrip()
    {
        var gen =
            from c in GenTcpCase
            from mtu in Gen.UShort[68, ushort.MaxValue]
            from flip in Gen.Int[-1, 8 * 200]
            select (c, mtu, flip);
        gen.Sample((c, mtu, flip) =>
        {
            var original = c.Write();
            var buf = new byte[1400];
            int n = c.Src.IsV6
                ? IcmpV6Packet.WritePacketTooBig(buf, c.Dst, c.Src, mtu, original)
                : IcmpV4Packet.WriteFragmentationNeeded(buf, mtu, original);
            var message = buf.AsSpan(0, n);
            if (flip < 0)
            {
                QuotedIpPacket q;
                if (c.Src.IsV6)
                {
                    Assert.Equal(WireStatus.Ok, IcmpV6Packet.TryParse(message, c.Dst, c.Src, out var icmp));
                    Assert.Equal(mtu, icmp.Mtu);
                    Assert.True(icmp.HasQuoted);
                    q = icmp.Quoted;
                }
                else
                {
                    Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(message, out var icmp));
                    Assert.Equal(mtu, icmp.Mtu);
                    Assert.True(icmp.HasQuoted);
                    q = icmp.Quoted;
                }
                Assert.Equal(c.Src, q.Source);
                Assert.Equal(c.Dst, q.Destination);
                Assert.Equal(c.Header.SourcePort, q.SourcePort);
                Assert.Equal(c.Header.DestinationPort, q.DestinationPort);
                Assert.Equal(c.Header.Seq, q.Seq);
                return;
            }
            message[flip / 8 % n] ^= (byte)(1 << (flip % 8));
            ExerciseIcmp(message, c.Dst, c.Src);
            ExerciseIcmp(message[..(flip % n)], c.Dst, c.Src);
        }, iter: 20_000, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void IcmpEchoRoundTrips()
    {
        var gen =
            from addresses in GenAddresses
            from reply in Gen.Bool
            from id in Gen.UShort
            from seq in Gen.UShort
            from data in Gen.Byte.Array[0, 100]
            select (addresses, reply, id, seq, data);
        gen.Sample((addresses, reply, id, seq, data) =>
        {
            var buf = new byte[200];
            var (src, dst) = addresses;
            if (src.IsV6)
            {
                int n = IcmpV6Packet.WriteEcho(buf, src, dst, reply, id, seq, data);
                Assert.Equal(WireStatus.Ok, IcmpV6Packet.TryParse(buf.AsSpan(0, n), src, dst, out var icmp));
                Assert.Equal(reply ? IcmpV6Type.EchoReply : IcmpV6Type.EchoRequest, icmp.Type);
                Assert.Equal(id, icmp.Identifier);
                Assert.Equal(seq, icmp.SequenceNumber);
                Assert.True(icmp.Data.SequenceEqual(data));
            }
            else
            {
                int n = IcmpV4Packet.WriteEcho(buf, reply, id, seq, data);
                Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(buf.AsSpan(0, n), out var icmp));
                Assert.Equal(reply ? IcmpV4Type.EchoReply : IcmpV4Type.EchoRequest, icmp.Type);
                Assert.Equal(id, icmp.Identifier);
                Assert.Equal(seq, icmp.SequenceNumber);
                Assert.True(icmp.Data.SequenceEqual(data));
            }
        }, iter: 10_000, seed: "0N0XIzNsQ0O2");
    }

    /// <summary>Runs every parser over <paramref name="bytes"/> and touches every property of what parses.</summary>
    private static void Exercise(ReadOnlySpan<byte> bytes)
    {
        var status = IpPacket.TryParse(bytes, out var ip);
        if (status is WireStatus.Ok or WireStatus.Fragment)
        {
            _ = ip.Source.GetHashCode() ^ ip.Destination.GetHashCode() ^ ip.TotalLength ^ ip.Ttl ^ ip.Payload.Length;
            foreach (bool verify in (ReadOnlySpan<bool>)[true, false])
            {
                if (ip.TryGetTcp(out var tcp, verify) == WireStatus.Ok)
                {
                    var f = tcp.Fields;
                    for (int i = 0; i < f.Options.SackBlockCount; i++)
                        _ = f.Options.GetSackBlock(i);
                    _ = f.ToString().Length + tcp.Payload.Length + tcp.SegmentLength + tcp.Checksum + tcp.OptionBytes.Length;
                }
            }
            ExerciseIcmp(ip.Payload, ip.Source, ip.Destination);
        }
        if (Ipv4Packet.TryParse(bytes, out var v4) is WireStatus.Ok or WireStatus.Fragment)
            _ = v4.FragmentOffset + v4.Options.Length + v4.Header.Length + v4.Tos + v4.HeaderChecksum;
        if (Ipv6Packet.TryParse(bytes, out var v6) is WireStatus.Ok or WireStatus.Fragment)
            _ = v6.FlowLabel + v6.TrafficClass + (uint)v6.FragmentOffset + v6.FragmentIdentification;
        _ = TcpPacket.TryParse(bytes, IpAddress.V4(1), IpAddress.V4(2), out _, verifyChecksum: false);
        ExerciseIcmp(bytes, IpAddress.V4(1), IpAddress.V4(2));
    }

    private static void ExerciseIcmp(ReadOnlySpan<byte> bytes, IpAddress src, IpAddress dst)
    {
        foreach (bool verify in (ReadOnlySpan<bool>)[true, false])
        {
            if (IcmpV4Packet.TryParse(bytes, out var v4, verify) == WireStatus.Ok)
                _ = v4.Mtu + v4.Identifier + v4.SequenceNumber + v4.Quoted.ToString().Length + v4.Data.Length;
            if (IcmpV6Packet.TryParse(bytes, src, dst, out var v6, verify) == WireStatus.Ok)
                _ = v6.Mtu + v6.Identifier + v6.SequenceNumber + v6.Quoted.ToString().Length + v6.Data.Length;
        }
    }
}
