namespace SynAck.Capture;

/// <summary>The file format <see cref="CaptureReader.Open"/> recognised from the first bytes.</summary>
public enum CaptureFormat : byte
{
    /// <summary>The first bytes match no known magic number (or the file is empty).</summary>
    Unknown = 0,

    /// <summary>Classic libpcap format (magic <c>A1B2C3D4</c> for µs, <c>A1B23C4D</c> for ns).</summary>
    Pcap = 1,

    /// <summary>pcapng (a Section Header Block, type <c>0A0D0D0A</c>, first).</summary>
    PcapNg = 2,
}
