using System.Buffers.Binary;

namespace SynAck.Tests.Capture;

/// <summary>
/// Builds capture files byte by byte, in either byte order, so the reader is tested against
/// layouts written independently of SynAck's own writers (big-endian ones in particular).
/// </summary>
internal sealed class CaptureBytes(bool bigEndian)
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public byte[] ToArray() => [.. _bytes];

    public CaptureBytes U8(byte v)
    {
        _bytes.Add(v);
        return this;
    }

    public CaptureBytes U16(ushort v)
    {
        Span<byte> b = stackalloc byte[2];
        if (bigEndian)
            BinaryPrimitives.WriteUInt16BigEndian(b, v);
        else
            BinaryPrimitives.WriteUInt16LittleEndian(b, v);
        return Raw(b);
    }

    public CaptureBytes U32(uint v)
    {
        Span<byte> b = stackalloc byte[4];
        if (bigEndian)
            BinaryPrimitives.WriteUInt32BigEndian(b, v);
        else
            BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return Raw(b);
    }

    public CaptureBytes U64(ulong v) => bigEndian ? U32((uint)(v >> 32)).U32((uint)v) : U32((uint)v).U32((uint)(v >> 32));

    public CaptureBytes Raw(ReadOnlySpan<byte> b)
    {
        foreach (var x in b)
            _bytes.Add(x);
        return this;
    }

    public CaptureBytes Pad4()
    {
        while (_bytes.Count % 4 != 0)
            _bytes.Add(0);
        return this;
    }

    // ---- pcap ----

    public CaptureBytes PcapHeader(uint magic, uint linkType, uint snapLength = 65535)
        => U32(magic).U16(2).U16(4).U32(0).U32(0).U32(snapLength).U32(linkType);

    public CaptureBytes PcapRecord(uint seconds, uint fraction, ReadOnlySpan<byte> data, uint? original = null)
        => U32(seconds).U32(fraction).U32((uint)data.Length).U32(original ?? (uint)data.Length).Raw(data);

    // ---- pcapng: each block is built whole, so its two lengths agree ----

    public CaptureBytes Block(uint type, ReadOnlySpan<byte> body)
    {
        var total = (uint)(12 + ((body.Length + 3) & ~3));
        U32(type).U32(total).Raw(body).Pad4().U32(total);
        return this;
    }

    public CaptureBytes SectionHeader(params byte[] options)
    {
        var body = new CaptureBytes(bigEndian).U32(0x1A2B3C4D).U16(1).U16(0).U64(ulong.MaxValue).Raw(options);
        return Block(0x0A0D0D0A, body.ToArray());
    }

    public CaptureBytes InterfaceDescription(ushort linkType, uint snapLength = 0, byte? tsResolution = null, long? tsOffset = null, string? name = null)
    {
        var body = new CaptureBytes(bigEndian).U16(linkType).U16(0).U32(snapLength);
        if (name is not null)
            body.U16(2).U16((ushort)name.Length).Raw(System.Text.Encoding.ASCII.GetBytes(name)).Pad4();
        if (tsResolution is { } r)
            body.U16(9).U16(1).U8(r).Pad4();
        if (tsOffset is { } o)
            body.U16(14).U16(8).U64((ulong)o);
        if (name is not null || tsResolution is not null || tsOffset is not null)
            body.U32(0);
        return Block(1, body.ToArray());
    }

    public CaptureBytes EnhancedPacket(uint interfaceId, ulong timestamp, ReadOnlySpan<byte> data, uint? flags = null, uint? original = null)
    {
        var body = new CaptureBytes(bigEndian).U32(interfaceId).U32((uint)(timestamp >> 32)).U32((uint)timestamp)
            .U32((uint)data.Length).U32(original ?? (uint)data.Length).Raw(data).Pad4();
        if (flags is { } f)
            body.U16(2).U16(4).U32(f).U32(0);
        return Block(6, body.ToArray());
    }

    public CaptureBytes SimplePacket(ReadOnlySpan<byte> data, uint? original = null)
        => Block(3, new CaptureBytes(bigEndian).U32(original ?? (uint)data.Length).Raw(data).ToArray());
}
