using SynAck.Wire;

namespace SynAck.Stack.Ip;

/// <summary>Positions in an IPv6 header chain that <see cref="Ipv6Packet"/> has already validated.</summary>
internal static class Ipv6HeaderChain
{
    /// <summary>
    /// Where the Next Header field naming the header at <paramref name="headerOffset"/> sits: byte 6 of the fixed
    /// header, or byte 0 of the extension header just before it (what a parameter problem points at, RFC 8200 §4).
    /// </summary>
    public static int NextHeaderPosition(ReadOnlySpan<byte> packet, int headerOffset)
    {
        int position = 6;
        int offset = Ipv6Packet.FixedHeaderLength;
        var next = (IpProtocol)packet[6];
        while (offset < headerOffset)
        {
            int length = next switch
            {
                IpProtocol.Ah => (packet[offset + 1] + 2) * 4,
                IpProtocol.Fragment => 8,
                _ => (packet[offset + 1] + 1) * 8,
            };
            position = offset;
            next = (IpProtocol)packet[offset];
            offset += length;
        }
        return position;
    }
}
