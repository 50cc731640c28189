namespace SynAck.Capture;

/// <summary>
/// Block types, option codes and limits of pcapng
/// (<see href="https://datatracker.ietf.org/doc/draft-ietf-opsawg-pcapng/">draft-ietf-opsawg-pcapng</see>).
/// </summary>
internal static class PcapNgFormat
{
    public const uint SectionHeaderBlock = 0x0A0D0D0A;
    public const uint InterfaceDescriptionBlock = 0x00000001;
    public const uint ObsoletePacketBlock = 0x00000002;
    public const uint SimplePacketBlock = 0x00000003;
    public const uint EnhancedPacketBlock = 0x00000006;

    /// <summary>Written in host order; read back as 1A2B3C4D or 4D3C2B1A it tells the section's byte order.</summary>
    public const uint ByteOrderMagic = 0x1A2B3C4D;

    public const ushort OptEndOfOptions = 0;
    public const ushort OptComment = 1;
    public const ushort ShbUserApplication = 4;
    public const ushort IfName = 2;
    public const ushort IfTsResolution = 9;
    public const ushort IfTsOffset = 14;
    public const ushort EpbFlags = 2;

    /// <summary>Type, length, trailing length.</summary>
    public const int BlockOverhead = 12;

    /// <summary>Blocks larger than this are taken as damage rather than allocated.</summary>
    public const int MaxBlockLength = 256 * 1024 * 1024;

    public static int Pad4(int length) => (length + 3) & ~3;
}
