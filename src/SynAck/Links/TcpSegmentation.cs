using System.Buffers.Binary;
using SynAck.Wire;

namespace SynAck.Links;

/// <summary>
/// What a NIC does for segmentation and checksum offload, in software, on raw IP bytes: complete a partial
/// checksum, and cut a TCP super-packet into the segments it stands for (as the kernel's <c>tcp_gso_segment</c>:
/// headers copied, sequence numbers advanced, FIN and PSH on the last segment only, CWR on the first only, IPv4
/// identification counted up). Only for packets the local kernel built: an IPv4 header of any length, an IPv6
/// header without extension headers.
/// </summary>
internal static class TcpSegmentation
{
    private const byte Fin = 0x01;
    private const byte Psh = 0x08;
    private const byte Cwr = 0x80;

    /// <summary>Fills in a partial checksum: the one's-complement sum from <paramref name="start"/> to the end (the
    /// field already holds the pseudo-header sum), stored at <paramref name="start"/> + <paramref name="offset"/>.</summary>
    public static bool TryCompleteChecksum(Span<byte> packet, int start, int offset)
    {
        if (start + offset + 2 > packet.Length)
            return false;
        BinaryPrimitives.WriteUInt16BigEndian(packet[(start + offset)..], Checksum.Compute(packet[start..]));
        return true;
    }

    /// <summary>Header lengths of a TCP packet: IP header, then IP plus TCP header; false when it is not one this
    /// class handles.</summary>
    public static bool TryHeaders(ReadOnlySpan<byte> packet, out bool v6, out int ipHeader, out int headers)
    {
        v6 = false;
        ipHeader = headers = 0;
        if (packet.Length < 40)
            return false;
        switch (packet[0] >> 4)
        {
            case 4:
                ipHeader = (packet[0] & 0xF) * 4;
                if (ipHeader < 20 || packet[9] != (byte)IpProtocol.Tcp || (BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x3FFF) != 0)
                    return false;
                break;
            case 6:
                v6 = true;
                ipHeader = 40;
                if (packet.Length < 60 || packet[6] != (byte)IpProtocol.Tcp)
                    return false;
                break;
            default:
                return false;
        }
        if (packet.Length < ipHeader + 20)
            return false;
        headers = ipHeader + (packet[ipHeader + 12] >> 4) * 4;
        return headers >= ipHeader + 20 && headers <= packet.Length;
    }

    /// <summary>How many segments of <paramref name="segmentSize"/> bytes carry <paramref name="payloadLength"/> bytes.</summary>
    public static int SegmentCount(int payloadLength, int segmentSize) => Math.Max(1, (payloadLength + segmentSize - 1) / segmentSize);

    /// <summary>Writes segment <paramref name="index"/> of <paramref name="super"/> into <paramref name="segment"/>,
    /// with every checksum computed; returns its length.</summary>
    public static int Segment(ReadOnlySpan<byte> super, bool v6, int ipHeader, int headers, int segmentSize, int index, Span<byte> segment)
    {
        int payload = super.Length - headers;
        int count = SegmentCount(payload, segmentSize);
        int offset = index * segmentSize;
        int length = Math.Min(segmentSize, payload - offset);
        super[..headers].CopyTo(segment);
        super.Slice(headers + offset, length).CopyTo(segment[headers..]);
        int total = headers + length;

        var tcp = segment[ipHeader..total];
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]) + (uint)offset);
        if (index != count - 1)
            tcp[13] &= unchecked((byte)~(Fin | Psh));
        if (index != 0)
            tcp[13] &= unchecked((byte)~Cwr);
        FixIpHeader(segment[..total], v6, ipHeader, (ushort)index);
        tcp[16] = tcp[17] = 0;
        var src = IpAddress.Read(segment.Slice(v6 ? 8 : 12, v6 ? 16 : 4), v6);
        var dst = IpAddress.Read(segment.Slice(v6 ? 24 : 16, v6 ? 16 : 4), v6);
        uint pseudo = Checksum.PseudoHeaderSum(src, dst, IpProtocol.Tcp, tcp.Length);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], Checksum.Compute(tcp, pseudo));
        return total;
    }

    /// <summary>Sets the IP length field for <paramref name="packet"/>'s length; for IPv4 also adds
    /// <paramref name="idIncrement"/> to the identification and recomputes the header checksum.</summary>
    public static void FixIpHeader(Span<byte> packet, bool v6, int ipHeader, ushort idIncrement)
    {
        if (v6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet[4..], (ushort)(packet.Length - 40));
            return;
        }
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)packet.Length);
        BinaryPrimitives.WriteUInt16BigEndian(packet[4..], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(packet[4..]) + idIncrement));
        packet[10] = packet[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], Checksum.Compute(packet[..ipHeader]));
    }
}
