using System.Buffers.Binary;

namespace SynAck.Links;

/// <summary>
/// <c>struct virtio_net_hdr</c> (virtio 1.x §5.1.6), the 10 bytes a TUN device opened with <c>IFF_VNET_HDR</c> puts
/// before every packet, both ways. Fields are little-endian (the legacy "native" order, which the supported
/// architectures share; <c>TUNSETVNETBE</c> is never set).
/// </summary>
internal struct VirtioNetHeader
{
    public const int Size = 10;

    /// <summary>The checksum is partial: sum from <see cref="CsumStart"/> to the end and store at
    /// <see cref="CsumStart"/> + <see cref="CsumOffset"/>; the field holds the pseudo-header sum.</summary>
    public const byte FlagNeedsCsum = 1;

    /// <summary>The checksum was already checked (or the data never crossed a wire).</summary>
    public const byte FlagDataValid = 2;

    public const byte GsoNone = 0;
    public const byte GsoTcpV4 = 1;
    public const byte GsoTcpV6 = 4;
    public const byte GsoEcn = 0x80;

    public byte Flags;
    public byte GsoType;
    public ushort HeaderLength;
    public ushort GsoSize;
    public ushort CsumStart;
    public ushort CsumOffset;

    public static VirtioNetHeader Read(ReadOnlySpan<byte> b) => new()
    {
        Flags = b[0],
        GsoType = b[1],
        HeaderLength = BinaryPrimitives.ReadUInt16LittleEndian(b[2..]),
        GsoSize = BinaryPrimitives.ReadUInt16LittleEndian(b[4..]),
        CsumStart = BinaryPrimitives.ReadUInt16LittleEndian(b[6..]),
        CsumOffset = BinaryPrimitives.ReadUInt16LittleEndian(b[8..]),
    };

    public readonly void Write(Span<byte> b)
    {
        b[0] = Flags;
        b[1] = GsoType;
        BinaryPrimitives.WriteUInt16LittleEndian(b[2..], HeaderLength);
        BinaryPrimitives.WriteUInt16LittleEndian(b[4..], GsoSize);
        BinaryPrimitives.WriteUInt16LittleEndian(b[6..], CsumStart);
        BinaryPrimitives.WriteUInt16LittleEndian(b[8..], CsumOffset);
    }
}
