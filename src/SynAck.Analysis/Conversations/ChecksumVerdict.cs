namespace SynAck.Analysis.Conversations;

/// <summary>What the IPv4 header and TCP checksums of one captured segment say.</summary>
public enum ChecksumVerdict : byte
{
    /// <summary>Both checksums verify (or could not be checked: the capture cut the segment short).</summary>
    Good,

    /// <summary>A checksum does not verify, in the form checksum offload leaves behind: an IPv4 header
    /// checksum of zero, or a TCP checksum of zero or of the pseudo-header sum alone (Linux
    /// <c>CHECKSUM_PARTIAL</c>), which the NIC completes after the capture point.</summary>
    Offloaded,

    /// <summary>A checksum does not verify and does not look offloaded: the segment was damaged.</summary>
    Bad,
}
