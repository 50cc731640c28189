using System.Text;
using SynAck.Wire;

namespace SynAck.Tests.Wire;

/// <summary>
/// Packets built once by scapy 2.5.0 (python3-scapy on Debian 12) and pasted here as hex, so these
/// tests need no Python at run time. Each test decodes one and compares every field scapy was given;
/// where SynAck can write the same packet, the bytes must match scapy's exactly.
/// </summary>
public sealed class ScapyVectorTests
{
    // IP(src='192.0.2.10', dst='198.51.100.20', ttl=64, id=0x4d2, flags='DF')/TCP(sport=51234, dport=443,
    //   seq=0xfffffff0, ack=0, flags='S', window=64240, options=[('MSS',1460),('SAckOK',b''),
    //   ('Timestamp',(2882400001,0)),('NOP',None),('WScale',7)])
    private const string V4Syn = "4500003c04d2400040064998c000020ac6336414c82201bbfffffff000000000a002faf0fc1e0000020405b40402080aabcdef010000000001030307";

    // IP(..., ttl=63, id=7, options=IPOption(b'\x01\x01\x01\x00'))/TCP(sport=51234, dport=443, seq=1000, ack=2000,
    //   flags='PA', window=502, options=[NOP,NOP,('Timestamp',(11,22)),NOP,NOP,('SAck',(3000,4000,5000,6000))])/'hello, world'
    private const string V4DataWithIpOptions = "46000058000700003f068c46c000020ac633641401010100c82201bb000003e8000007d0d01801f6d5e600000101080a0000000b000000160101051200000bb800000fa0000013880000177068656c6c6f2c20776f726c64";

    // IP(src='10.1.1.1', dst='10.1.1.2')/TCP(sport=1, dport=2, seq=5, flags='A', options=[(30, b'\x00\x81\x02\x03'),('MSS',536),('EOL',None)])
    private const string V4UnknownOption = "4500003400010000400664bf0a0101010a01010200010002000000050000000080102000251600001e0600810203020402180000";

    // IP(src='10.1.1.1', dst='10.1.1.2', id=99, flags='MF', frag=0)/TCP(sport=1,dport=2)/Raw(b'x'*16)
    private const string V4FirstFragment = "4500003800632000400644590a0101010a01010200010002000000000000000050022000b607000078787878787878787878787878787878";

    // IP(src='10.1.1.1', dst='10.1.1.2', id=99, frag=5, proto=6)/Raw(b'y'*8)
    private const string V4LastFragment = "4500001c00630005400664700a0101010a0101027979797979797979";

    // IPv6(src='2001:db8::1', dst='2001:db8::2', hlim=33)/IPv6ExtHdrHopByHop()/IPv6ExtHdrDestOpt()
    //   /IPv6ExtHdrRouting(addresses=['2001:db8::99'])/TCP(sport=8080, dport=9090, seq=7, ack=8, flags='SA',
    //   window=1000, options=[('MSS',1440),('WScale',14)])
    private const string V6ExtensionChain = "600000000044002120010db800000000000000000000000120010db80000000000000000000000023c000104000000002b00010400000000060200010000000020010db80000000000000000000000991f9023820000000700000008701203e8d40e0000020405a003030e00";

    // IPv6(src='2001:db8::1', dst='2001:db8::2')/IPv6ExtHdrFragment(id=0xabcdef, offset=0, m=1, nh=6)/Raw(b'z'*24)
    private const string V6Fragment = "6000000000202c4020010db800000000000000000000000120010db80000000000000000000000020600000100abcdef7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a7a";

    // IPv6(...)/IPv6ExtHdrFragment(id=5, offset=0, m=0)/TCP(sport=3, dport=4, flags='R', seq=77)
    private const string V6AtomicFragment = "60000000001c2c4020010db800000000000000000000000120010db80000000000000000000000020600000000000005000300040000004d000000005004200034180000";

    // IP(src='192.0.2.1', dst='192.0.2.2')/ICMP(type=8, id=0x1234, seq=7)/Raw(b'ping!')
    private const string Icmp4Echo = "45000021000100004001f6d7c0000201c00002020800e5f31234000770696e6721";

    // IP(src='203.0.113.1', dst='192.0.2.10')/ICMP(type=3, code=4, nexthopmtu=1400)/raw(orig)[:28], where
    // orig = IP(src='192.0.2.10', dst='198.51.100.20', flags='DF')/TCP(sport=51234, dport=443, seq=123456789, flags='A')/'q'*1400
    private const string Icmp4FragNeeded = "450000380001000040017cb8cb007101c000020a0304593500000578450005a00001400040064905c000020ac6336414c82201bb075bcd15";

    // IPv6(src='2001:db8::fe', dst='2001:db8::1')/ICMPv6PacketTooBig(mtu=1280)/raw(orig6)[:76], where
    // orig6 = IPv6(src='2001:db8::1', dst='2001:db8::2')/TCP(sport=40000, dport=80, seq=0xdeadbeef, flags='A')/'q'*1400
    private const string Icmp6PacketTooBig = "6000000000543a4020010db80000000000000000000000fe20010db80000000000000000000000010200dc6c0000050060000000058c064020010db800000000000000000000000120010db80000000000000000000000029c400050deadbeef0000000050102000c287000071717171717171717171717171717171";

    // IPv6(src='2001:db8::1', dst='2001:db8::2')/ICMPv6EchoRequest(id=0x42, seq=3, data=b'abc')
    private const string Icmp6Echo = "60000000000b3a4020010db800000000000000000000000120010db800000000000000000000000280005f9d00420003616263";

    private static byte[] Hex(string s) => Convert.FromHexString(s);

    [Fact]
    public void LinuxStyleSynDecodesAndSynAckWritesTheSameBytes()
    {
        var bytes = Hex(V4Syn);
        Assert.Equal(WireStatus.Ok, Ipv4Packet.TryParse(bytes, out var v4));
        Assert.Equal(IpAddress.Parse("192.0.2.10"), v4.Source);
        Assert.Equal(IpAddress.Parse("198.51.100.20"), v4.Destination);
        Assert.Equal(64, v4.Ttl);
        Assert.Equal(0x4d2, v4.Identification);
        Assert.True(v4.DontFragment);
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(bytes, out var ip));
        Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp));
        Assert.Equal(51234, tcp.SourcePort);
        Assert.Equal(443, tcp.DestinationPort);
        Assert.Equal(0xFFFF_FFF0u, tcp.Seq.Value);
        Assert.Equal(TcpFlags.Syn, tcp.Flags);
        Assert.Equal(64240, tcp.Window);
        var o = tcp.Options;
        Assert.True(o.HasMss);
        Assert.Equal(1460, o.Mss);
        Assert.True(o.SackPermitted);
        Assert.True(o.HasTimestamps);
        Assert.Equal(2882400001u, o.TsVal);
        Assert.Equal(0u, o.TsEcr);
        Assert.True(o.HasWindowScale);
        Assert.Equal(7, o.WindowScale);
        Assert.Equal(1, tcp.SegmentLength);

        var written = new byte[bytes.Length];
        int n = IpPacket.WriteTcp(written, v4.Source, v4.Destination, tcp.Fields, [], ttl: 64, identification: 0x4d2);
        Assert.Equal(bytes, written[..n]);
    }

    [Fact]
    public void IpOptionsAreSkippedAndSackBlocksDecode()
    {
        var bytes = Hex(V4DataWithIpOptions);
        Assert.Equal(WireStatus.Ok, Ipv4Packet.TryParse(bytes, out var v4));
        Assert.Equal(24, v4.HeaderLength);
        Assert.Equal([1, 1, 1, 0], v4.Options.ToArray());
        Assert.False(v4.DontFragment);
        Assert.Equal(63, v4.Ttl);
        Assert.Equal(WireStatus.Ok, TcpPacket.TryParse(v4.Payload, v4.Source, v4.Destination, out var tcp));
        Assert.Equal(1000u, tcp.Seq.Value);
        Assert.Equal(2000u, tcp.Ack.Value);
        Assert.Equal(TcpFlags.Psh | TcpFlags.Ack, tcp.Flags);
        Assert.Equal(502, tcp.Window);
        Assert.Equal(11u, tcp.Options.TsVal);
        Assert.Equal(22u, tcp.Options.TsEcr);
        Assert.Equal(2, tcp.Options.SackBlockCount);
        Assert.Equal(new SackBlock(new SeqNum(3000), new SeqNum(4000)), tcp.Options.GetSackBlock(0));
        Assert.Equal(new SackBlock(new SeqNum(5000), new SeqNum(6000)), tcp.Options.GetSackBlock(1));
        Assert.Equal("hello, world", Encoding.ASCII.GetString(tcp.Payload));

        // Our layout for timestamps + SACK is Linux's, which is what scapy was told to build.
        var written = new byte[tcp.Segment.Length];
        TcpPacket.Write(written, tcp.Fields, tcp.Payload, v4.Source, v4.Destination);
        Assert.Equal(tcp.Segment.ToArray(), written);
    }

    [Fact]
    public void UnknownOptionIsSkippedByItsLength()
    {
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(Hex(V4UnknownOption), out var ip));
        Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp));
        Assert.Equal(TcpFlags.Ack, tcp.Flags);
        Assert.Equal(5u, tcp.Seq.Value);
        Assert.True(tcp.Options.HasMss);
        Assert.Equal(536, tcp.Options.Mss);
        Assert.False(tcp.Options.HasTimestamps);
    }

    [Fact]
    public void Ipv4FragmentsAreFlaggedAndNotHandedOutAsTcp()
    {
        Assert.Equal(WireStatus.Fragment, IpPacket.TryParse(Hex(V4FirstFragment), out var first));
        Assert.True(first.IsFragment);
        Assert.Equal(WireStatus.Fragment, first.TryGetTcp(out _));
        Assert.Equal(WireStatus.Fragment, Ipv4Packet.TryParse(Hex(V4FirstFragment), out var v4));
        Assert.True(v4.MoreFragments);
        Assert.Equal(0, v4.FragmentOffset);
        Assert.Equal(99, v4.Identification);

        Assert.Equal(WireStatus.Fragment, Ipv4Packet.TryParse(Hex(V4LastFragment), out var last));
        Assert.False(last.MoreFragments);
        Assert.Equal(40, last.FragmentOffset);
        Assert.Equal(8, last.Payload.Length);
    }

    [Fact]
    public void Ipv6ExtensionChainIsWalkedToTcp()
    {
        var bytes = Hex(V6ExtensionChain);
        Assert.Equal(WireStatus.Ok, Ipv6Packet.TryParse(bytes, out var v6));
        Assert.Equal(IpProtocol.Tcp, v6.NextHeader);
        Assert.Equal(40 + 8 + 8 + 24, v6.HeaderLength);
        Assert.Equal(33, v6.HopLimit);
        Assert.False(v6.IsFragment);
        Assert.Equal(IpAddress.Parse("2001:db8::1"), v6.Source);
        Assert.Equal(IpAddress.Parse("2001:db8::2"), v6.Destination);

        // RFC 8200 §8.1: with a routing header still to be followed (Segments Left 1 here), the
        // pseudo-header uses the final destination, the last address of the routing header.
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(bytes, out var ip));
        Assert.Equal(IpProtocol.Tcp, ip.Protocol);
        Assert.Equal(WireStatus.BadChecksum, ip.TryGetTcp(out _));
        var finalDestination = IpAddress.Parse("2001:db8::99");
        Assert.Equal(WireStatus.Ok, TcpPacket.TryParse(ip.Payload, ip.Source, finalDestination, out var tcp));
        Assert.Equal(8080, tcp.SourcePort);
        Assert.Equal(9090, tcp.DestinationPort);
        Assert.Equal(7u, tcp.Seq.Value);
        Assert.Equal(8u, tcp.Ack.Value);
        Assert.Equal(TcpFlags.Syn | TcpFlags.Ack, tcp.Flags);
        Assert.Equal(1000, tcp.Window);
        Assert.Equal(1440, tcp.Options.Mss);
        Assert.Equal(14, tcp.Options.WindowScale);
    }

    [Fact]
    public void Ipv6FragmentIsFlagged()
    {
        Assert.Equal(WireStatus.Fragment, Ipv6Packet.TryParse(Hex(V6Fragment), out var v6));
        Assert.True(v6.IsFragment);
        Assert.True(v6.MoreFragments);
        Assert.Equal(0, v6.FragmentOffset);
        Assert.Equal(0xabcdefu, v6.FragmentIdentification);
        Assert.Equal(IpProtocol.Tcp, v6.NextHeader);
        Assert.Equal(24, v6.Payload.Length);
        Assert.Equal(WireStatus.Fragment, IpPacket.TryParse(Hex(V6Fragment), out var ip));
        Assert.Equal(WireStatus.Fragment, ip.TryGetTcp(out _));
    }

    [Fact]
    public void Ipv6AtomicFragmentIsAWholePacket()
    {
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(Hex(V6AtomicFragment), out var ip));
        Assert.False(ip.IsFragment);
        Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp));
        Assert.Equal(TcpFlags.Rst, tcp.Flags);
        Assert.Equal(77u, tcp.Seq.Value);
    }

    [Fact]
    public void Icmp4EchoDecodesAndWritesTheSameBytes()
    {
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(Hex(Icmp4Echo), out var ip));
        Assert.Equal(IpProtocol.Icmp, ip.Protocol);
        Assert.Equal(WireStatus.NotTcp, ip.TryGetTcp(out _));
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(ip.Payload, out var icmp));
        Assert.Equal(IcmpV4Type.EchoRequest, icmp.Type);
        Assert.Equal(0x1234, icmp.Identifier);
        Assert.Equal(7, icmp.SequenceNumber);
        Assert.False(icmp.IsError);
        Assert.Equal("ping!", Encoding.ASCII.GetString(icmp.Data));

        var written = new byte[64];
        int n = IcmpV4Packet.WriteEcho(written, reply: false, 0x1234, 7, "ping!"u8);
        Assert.Equal(ip.Payload.ToArray(), written[..n]);
    }

    [Fact]
    public void FragmentationNeededCarriesMtuAndTheQuotedTcpHeader()
    {
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(Hex(Icmp4FragNeeded), out var ip));
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(ip.Payload, out var icmp));
        Assert.Equal(IcmpV4Type.DestinationUnreachable, icmp.Type);
        Assert.Equal(IcmpV4Packet.CodeFragmentationNeeded, icmp.Code);
        Assert.True(icmp.IsFragmentationNeeded);
        Assert.Equal(1400, icmp.Mtu);
        Assert.True(icmp.HasQuoted);
        var q = icmp.Quoted;
        Assert.Equal(4, q.Version);
        Assert.Equal(IpAddress.Parse("192.0.2.10"), q.Source);
        Assert.Equal(IpAddress.Parse("198.51.100.20"), q.Destination);
        Assert.Equal(IpProtocol.Tcp, q.Protocol);
        Assert.True(q.HasPorts);
        Assert.Equal(51234, q.SourcePort);
        Assert.Equal(443, q.DestinationPort);
        Assert.True(q.HasSeq);
        Assert.Equal(123456789u, q.Seq.Value);

        var written = new byte[64];
        int n = IcmpV4Packet.WriteFragmentationNeeded(written, 1400, icmp.Data);
        Assert.Equal(ip.Payload.ToArray(), written[..n]);
    }

    [Fact]
    public void PacketTooBigCarriesMtuAndTheQuotedTcpHeader()
    {
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(Hex(Icmp6PacketTooBig), out var ip));
        Assert.Equal(IpProtocol.IcmpV6, ip.Protocol);
        Assert.Equal(WireStatus.Ok, IcmpV6Packet.TryParse(ip.Payload, ip.Source, ip.Destination, out var icmp));
        Assert.Equal(IcmpV6Type.PacketTooBig, icmp.Type);
        Assert.Equal(1280, icmp.Mtu);
        Assert.True(icmp.HasQuoted);
        var q = icmp.Quoted;
        Assert.Equal(6, q.Version);
        Assert.Equal(IpAddress.Parse("2001:db8::1"), q.Source);
        Assert.Equal(IpAddress.Parse("2001:db8::2"), q.Destination);
        Assert.Equal(IpProtocol.Tcp, q.Protocol);
        Assert.Equal(40000, q.SourcePort);
        Assert.Equal(80, q.DestinationPort);
        Assert.Equal(0xdeadbeefu, q.Seq.Value);

        var written = new byte[200];
        int n = IcmpV6Packet.WritePacketTooBig(written, ip.Source, ip.Destination, 1280, icmp.Data);
        Assert.Equal(ip.Payload.ToArray(), written[..n]);
    }

    [Fact]
    public void Icmp6EchoDecodesAndWritesTheSameBytes()
    {
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(Hex(Icmp6Echo), out var ip));
        Assert.Equal(WireStatus.Ok, IcmpV6Packet.TryParse(ip.Payload, ip.Source, ip.Destination, out var icmp));
        Assert.Equal(IcmpV6Type.EchoRequest, icmp.Type);
        Assert.Equal(0x42, icmp.Identifier);
        Assert.Equal(3, icmp.SequenceNumber);
        Assert.Equal("abc", Encoding.ASCII.GetString(icmp.Data));
        Assert.Equal(WireStatus.BadChecksum, IcmpV6Packet.TryParse(ip.Payload, ip.Destination, ip.Source == ip.Destination ? ip.Source : IpAddress.Parse("2001:db8::3"), out _));

        var written = new byte[64];
        int n = IcmpV6Packet.WriteEcho(written, ip.Source, ip.Destination, reply: false, 0x42, 3, "abc"u8);
        Assert.Equal(ip.Payload.ToArray(), written[..n]);
    }
}
