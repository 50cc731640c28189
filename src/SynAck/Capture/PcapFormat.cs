namespace SynAck.Capture;

/// <summary>
/// Constants of the classic libpcap file format
/// (<see href="https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcap/">draft-ietf-opsawg-pcap</see>).
/// </summary>
internal static class PcapFormat
{
    public const uint MicrosecondMagic = 0xA1B2C3D4;
    public const uint NanosecondMagic = 0xA1B23C4D;
    public const int FileHeaderLength = 24;
    public const int RecordHeaderLength = 16;

    /// <summary>Records larger than this are taken as damage rather than allocated.</summary>
    public const int MaxRecordLength = 256 * 1024 * 1024;
}
