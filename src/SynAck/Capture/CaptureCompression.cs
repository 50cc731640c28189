namespace SynAck.Capture;

/// <summary>How the capture bytes were compressed, as recognised from their first bytes.</summary>
public enum CaptureCompression
{
    /// <summary>A plain pcap or pcapng file.</summary>
    None,

    /// <summary>gzip (RFC 1952), as <c>.pcap.gz</c> files come; concatenated members are read on.</summary>
    Gzip,

    /// <summary>Zstandard frames (RFC 8878).</summary>
    Zstd,

    /// <summary>LZ4 frame format.</summary>
    Lz4,
}
