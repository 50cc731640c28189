using System.Buffers.Binary;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Stack.Ip;

internal sealed partial class IpReassembler
{
    /// <summary>
    /// Takes an IPv6 fragment (RFC 8200 §4.5). When it completes its datagram, <paramref name="datagram"/> is the whole
    /// packet: the first fragment's unfragmentable part, with the Next Header that pointed at the Fragment header
    /// replaced by the Fragment header's own and the payload length set, followed by the fragmentable part.
    /// </summary>
    public ReassemblyResult AddIpv6(Ipv6Packet fragment, Instant now, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        var key = new FragmentKey(fragment.Source, fragment.Destination, fragment.FragmentIdentification, 0);
        int unfragmentable = fragment.HeaderLength - 8;
        var header = fragment.FragmentOffset == 0 ? fragment.Packet[..fragment.HeaderLength] : default;
        // RFC 8200 §4.5: the reassembled payload length (unfragmentable extension headers plus fragmentable part) must fit 65,535.
        var result = Add(key, true, fragment.FragmentOffset, fragment.Payload, fragment.MoreFragments, header,
            unfragmentable - Ipv6Packet.FixedHeaderLength, now, out var e);
        if (result != ReassemblyResult.Complete)
            return result;

        var h = e!.Header!;
        unfragmentable = h.Length - 8;
        int total = unfragmentable + e.TotalLength;
        var packet = AssemblyBuffer(total);
        h.AsSpan(0, unfragmentable).CopyTo(packet);
        e.Data.AsSpan(0, e.TotalLength).CopyTo(packet[unfragmentable..]);
        packet[Ipv6HeaderChain.NextHeaderPosition(h, unfragmentable)] = h[unfragmentable];
        BinaryPrimitives.WriteUInt16BigEndian(packet[4..], (ushort)(total - Ipv6Packet.FixedHeaderLength));
        datagram = packet;
        return result;
    }
}
