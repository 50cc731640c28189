using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// Judges a segment's IPv4 header and TCP checksums without dropping it: Wireshark and Zeek both read
/// packets whose checksums fail, because a capture on the sending host sees them before the NIC fills
/// the checksums in (checksum offload).
/// </summary>
internal static class ChecksumCheck
{
    /// <param name="ip">The parsed IP packet (whole: not cut short by the snap length).</param>
    /// <param name="segment">The TCP segment, the IP payload.</param>
    public static ChecksumVerdict Judge(in IpPacket ip, ReadOnlySpan<byte> segment)
    {
        var verdict = ChecksumVerdict.Good;
        if (ip.Version == 4)
        {
            var header = ip.Packet[..ip.HeaderLength];
            // RFC 791 §3.1: the one's complement sum over the header, checksum included, is all ones.
            if (Checksum.Compute(header) != 0)
                verdict = header[10] == 0 && header[11] == 0 ? ChecksumVerdict.Offloaded : ChecksumVerdict.Bad;
        }
        // RFC 9293 §3.1: the TCP checksum covers the pseudo-header and the whole segment.
        uint pseudo = Checksum.PseudoHeaderSum(ip.Source, ip.Destination, IpProtocol.Tcp, segment.Length);
        if (Checksum.Fold(Checksum.Sum(segment, pseudo)) == 0)
            return verdict;
        ushort field = (ushort)(segment[16] << 8 | segment[17]);
        // An offloading sender stores the folded pseudo-header sum (not complemented) for the NIC to finish.
        bool offloaded = field == 0 || field == (ushort)~Checksum.Fold(pseudo);
        return offloaded && verdict != ChecksumVerdict.Bad ? ChecksumVerdict.Offloaded : ChecksumVerdict.Bad;
    }
}
