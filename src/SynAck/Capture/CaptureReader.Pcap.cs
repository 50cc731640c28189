using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>Classic pcap: a 24-byte file header, then 16-byte record headers each followed by its data.</summary>
public sealed partial class CaptureReader
{
    private bool _pcapBigEndian;
    private bool _pcapNanosecond;
    private LinkType _pcapLinkType;

    private void StartPcap(bool bigEndian, bool nanosecond)
    {
        Format = CaptureFormat.Pcap;
        _pcapBigEndian = bigEndian;
        _pcapNanosecond = nanosecond;
        Span<byte> h = stackalloc byte[PcapFormat.FileHeaderLength - 4];
        var n = ReadFull(h);
        if (n < h.Length)
        {
            Fail(0, $"truncated pcap file header: {4 + n} of {PcapFormat.FileHeaderLength} bytes");
            return;
        }
        var major = ReadUInt16(h, bigEndian);
        if (major != 2)
        {
            Fail(0, $"unsupported pcap version {major}.{ReadUInt16(h[2..], bigEndian)} (expected 2.x)");
            return;
        }
        // The upper bits of the link type field may carry FCS information (draft-ietf-opsawg-pcap §4).
        _pcapLinkType = (LinkType)(ReadUInt32(h[16..], bigEndian) & 0xFFFF);
    }

    private bool TryReadPcapRecord(out CaptureRecord record)
    {
        record = default;
        var start = BytesRead;
        Span<byte> h = stackalloc byte[PcapFormat.RecordHeaderLength];
        var n = ReadFull(h);
        if (n == 0)
            return false;
        if (n < h.Length)
            return Fail(start, $"truncated record header: {n} of {PcapFormat.RecordHeaderLength} bytes before the end of the file");

        var seconds = ReadUInt32(h, _pcapBigEndian);
        var fraction = ReadUInt32(h[4..], _pcapBigEndian);
        var captured = ReadUInt32(h[8..], _pcapBigEndian);
        var original = ReadUInt32(h[12..], _pcapBigEndian);
        if (captured > PcapFormat.MaxRecordLength)
            return Fail(start, $"absurd captured length {captured} (more than {PcapFormat.MaxRecordLength} bytes)");

        if (captured > Remaining)
            return Fail(start, $"truncated record: it declares {captured} bytes of data, the file ends after {Remaining}");
        EnsureBuffer((int)captured);
        n = ReadFull(_buffer.AsSpan(0, (int)captured));
        if (n < captured)
            return Fail(start, $"truncated record: it declares {captured} bytes of data, the file ends after {n}");

        var ns = seconds * 1_000_000_000L + (_pcapNanosecond ? fraction : fraction * 1000L);
        record = new CaptureRecord(FramesRead + 1, ns, _pcapLinkType, 0, _buffer.AsMemory(0, (int)captured),
            (int)Math.Min(original, int.MaxValue), PacketDirection.Unknown);
        return true;
    }

    private static ushort ReadUInt16(ReadOnlySpan<byte> s, bool bigEndian)
        => bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(s) : BinaryPrimitives.ReadUInt16LittleEndian(s);

    private static uint ReadUInt32(ReadOnlySpan<byte> s, bool bigEndian)
        => bigEndian ? BinaryPrimitives.ReadUInt32BigEndian(s) : BinaryPrimitives.ReadUInt32LittleEndian(s);
}
