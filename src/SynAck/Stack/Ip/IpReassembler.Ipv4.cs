using System.Buffers.Binary;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Stack.Ip;

internal sealed partial class IpReassembler
{
    /// <summary>
    /// Takes an IPv4 fragment (RFC 791 §3.2). When it completes its datagram, <paramref name="datagram"/> is the whole
    /// packet: the first fragment's header (options included) with the total length set, MF and the offset cleared
    /// and the checksum recomputed, followed by the data.
    /// </summary>
    public ReassemblyResult AddIpv4(Ipv4Packet fragment, Instant now, out ReadOnlySpan<byte> datagram)
    {
        datagram = default;
        var key = new FragmentKey(fragment.Source, fragment.Destination, fragment.Identification, (byte)fragment.Protocol);
        var header = fragment.FragmentOffset == 0 ? fragment.Header : default;
        var result = Add(key, false, fragment.FragmentOffset, fragment.Payload, fragment.MoreFragments, header,
            fragment.HeaderLength, now, out var e);
        if (result != ReassemblyResult.Complete)
            return result;

        var h = e!.Header!;
        int total = h.Length + e.TotalLength;
        var packet = AssemblyBuffer(total);
        h.CopyTo(packet);
        e.Data.AsSpan(0, e.TotalLength).CopyTo(packet[h.Length..]);
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)total);
        // Keep DF (bit 0x4000 of the flags/offset word); clear MF and the offset.
        BinaryPrimitives.WriteUInt16BigEndian(packet[6..], (ushort)(BinaryPrimitives.ReadUInt16BigEndian(packet[6..]) & 0x4000));
        packet[10] = 0;
        packet[11] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[10..], Checksum.Compute(packet[..h.Length]));
        datagram = packet;
        return result;
    }
}
