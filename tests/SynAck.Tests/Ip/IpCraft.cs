using System.Buffers.Binary;
using SynAck.Stack;
using SynAck.Wire;

namespace SynAck.Tests.Ip;

/// <summary>Hand-made IP packets for the IP/ICMP tests: echo requests, UDP, other protocols, and fragments of any packet.</summary>
internal static class IpCraft
{
    public static readonly IpAddress Local4 = IpAddress.V4(10, 0, 0, 2);
    public static readonly IpAddress Remote4 = IpAddress.V4(10, 0, 0, 1);
    public static readonly IpAddress Local6 = IpAddress.Parse("2001:db8::2");
    public static readonly IpAddress Remote6 = IpAddress.Parse("2001:db8::1");

    public static byte[] Data(int length)
    {
        var d = new byte[length];
        for (int i = 0; i < length; i++)
            d[i] = (byte)(i * 7 + 3);
        return d;
    }

    public static byte[] EchoRequest(IpAddress src, IpAddress dst, ushort id, ushort seq, ReadOnlySpan<byte> data)
    {
        int header = src.IsV6 ? 40 : 20;
        var p = new byte[header + 8 + data.Length];
        if (src.IsV6)
        {
            IcmpV6Packet.WriteEcho(p.AsSpan(header), src, dst, false, id, seq, data);
            Ipv6Packet.WriteHeader(p, src, dst, IpProtocol.IcmpV6, 8 + data.Length);
        }
        else
        {
            IcmpV4Packet.WriteEcho(p.AsSpan(header), false, id, seq, data);
            Ipv4Packet.WriteHeader(p, new Ipv4HeaderFields { Source = src, Destination = dst, Protocol = IpProtocol.Icmp, Ttl = 64 }, 8 + data.Length);
        }
        return p;
    }

    /// <summary>A packet of <paramref name="protocol"/> with an 8-byte UDP-like header (ports 5353 → <paramref name="port"/>) and a few bytes.</summary>
    public static byte[] Other(IpAddress src, IpAddress dst, IpProtocol protocol, ushort port = 53)
    {
        int header = src.IsV6 ? 40 : 20;
        var p = new byte[header + 12];
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(header), 5353);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(header + 2), port);
        BinaryPrimitives.WriteUInt16BigEndian(p.AsSpan(header + 4), 12);
        if (src.IsV6)
            Ipv6Packet.WriteHeader(p, src, dst, protocol, 12);
        else
            Ipv4Packet.WriteHeader(p, new Ipv4HeaderFields { Source = src, Destination = dst, Protocol = protocol, Ttl = 64 }, 12);
        return p;
    }

    public static byte[] Tcp(IpAddress src, IpAddress dst, in TcpHeaderFields h, int payloadLength = 0)
    {
        var buf = new byte[IpPacket.TcpPacketLength(src, h.Options, payloadLength)];
        IpPacket.WriteTcp(buf, src, dst, h, Data(payloadLength));
        return buf;
    }

    /// <summary>Splits an IPv4 packet (20-byte header) into fragments of <paramref name="chunk"/> data bytes (a multiple of 8 but the last).</summary>
    public static List<byte[]> FragmentV4(ReadOnlySpan<byte> packet, int chunk, ushort id = 0x1234)
    {
        int ihl = (packet[0] & 0x0F) * 4;
        var data = packet[ihl..];
        var list = new List<byte[]>();
        for (int offset = 0; offset < data.Length; offset += chunk)
        {
            int len = Math.Min(chunk, data.Length - offset);
            bool more = offset + len < data.Length;
            list.Add(V4Fragment(packet[..ihl], id, offset, data.Slice(offset, len), more));
        }
        return list;
    }

    /// <summary>One IPv4 fragment with the given header (copied), offset, data and MF.</summary>
    public static byte[] V4Fragment(ReadOnlySpan<byte> header, ushort id, int offset, ReadOnlySpan<byte> data, bool more)
    {
        var f = new byte[header.Length + data.Length];
        header.CopyTo(f);
        data.CopyTo(f.AsSpan(header.Length));
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(2), (ushort)f.Length);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(4), id);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(6), (ushort)((more ? 0x2000 : 0) | (offset >> 3)));
        f[10] = f[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(10), Checksum.Compute(f.AsSpan(0, header.Length)));
        return f;
    }

    /// <summary>Splits an IPv6 packet (fixed header only) into fragments with a Fragment header.</summary>
    public static List<byte[]> FragmentV6(ReadOnlySpan<byte> packet, int chunk, uint id = 0xABCD1234)
    {
        var data = packet[40..];
        var list = new List<byte[]>();
        for (int offset = 0; offset < data.Length; offset += chunk)
        {
            int len = Math.Min(chunk, data.Length - offset);
            list.Add(V6Fragment(packet[..40], id, offset, data.Slice(offset, len), offset + len < data.Length));
        }
        return list;
    }

    public static byte[] V6Fragment(ReadOnlySpan<byte> fixedHeader, uint id, int offset, ReadOnlySpan<byte> data, bool more)
    {
        var f = new byte[48 + data.Length];
        fixedHeader[..40].CopyTo(f);
        f[40] = fixedHeader[6];
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(42), (ushort)(offset | (more ? 1 : 0)));
        BinaryPrimitives.WriteUInt32BigEndian(f.AsSpan(44), id);
        f[6] = (byte)IpProtocol.Fragment;
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(4), (ushort)(8 + data.Length));
        data.CopyTo(f.AsSpan(48));
        return f;
    }
}
