using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>pcapng: a sequence of blocks (type, total length, body, total length again), sections
/// started by a Section Header Block that also fixes the byte order.</summary>
public sealed partial class CaptureReader
{
    private readonly List<PcapNgInterface> _interfaces = [];
    private bool _pendingMagic;
    private bool _ngBigEndian;
    private bool _sawSection;
    private int _interfaceBase;

    private bool TryReadPcapNgPacket(out CaptureRecord record)
    {
        record = default;
        while (true)
        {
            var outcome = ReadBlock(out record);
            if (outcome != BlockOutcome.Skipped)
                return outcome == BlockOutcome.Packet;
        }
    }

    private enum BlockOutcome { Packet, Skipped, Stop }

    private BlockOutcome ReadBlock(out CaptureRecord record)
    {
        record = default;
        var start = BytesRead;
        Span<byte> head = stackalloc byte[12];
        int n;
        if (_pendingMagic)
        {
            // Open consumed the first 4 bytes (the SHB type) to recognise the format.
            _pendingMagic = false;
            start = 0;
            BinaryPrimitives.WriteUInt32LittleEndian(head, PcapNgFormat.SectionHeaderBlock);
            n = 4 + ReadFull(head[4..8]);
        }
        else
        {
            n = ReadFull(head[..8]);
            if (n == 0)
                return BlockOutcome.Stop;
        }
        if (n < 8)
            return Stop(start, $"truncated block header: {n} of 8 bytes before the end of the file");

        var isSection = BinaryPrimitives.ReadUInt32LittleEndian(head) == PcapNgFormat.SectionHeaderBlock;
        var headLength = 8;
        if (isSection)
        {
            // The byte-order magic follows the length and decides how the length itself is read.
            n = ReadFull(head[8..12]);
            if (n < 4)
                return Stop(start, "truncated section header block: the file ends inside the byte-order magic");
            var bom = BinaryPrimitives.ReadUInt32LittleEndian(head[8..]);
            if (bom == PcapNgFormat.ByteOrderMagic)
                _ngBigEndian = false;
            else if (bom == BinaryPrimitives.ReverseEndianness(PcapNgFormat.ByteOrderMagic))
                _ngBigEndian = true;
            else
                return Stop(start, $"bad byte-order magic {BinaryPrimitives.ReadUInt32BigEndian(head[8..]):X8} in section header block");
            headLength = 12;
        }
        else if (!_sawSection)
        {
            return Stop(start, "the file does not start with a section header block");
        }

        var type = ReadUInt32(head, _ngBigEndian);
        var length = ReadUInt32(head[4..], _ngBigEndian);
        if (length > PcapNgFormat.MaxBlockLength)
            return Stop(start, $"absurd block length {length} (more than {PcapNgFormat.MaxBlockLength} bytes)");
        if (length % 4 != 0)
            return Stop(start, $"block length {length} is not a multiple of 4");
        var minimum = isSection ? 28u : PcapNgFormat.BlockOverhead;
        if (length < minimum)
            return Stop(start, $"block length {length} is below the minimum of {minimum} for block type {type:X8}");

        // Body bytes still to read, not counting the trailing length.
        var rest = (int)length - headLength - 4;
        var known = type is PcapNgFormat.SectionHeaderBlock or PcapNgFormat.InterfaceDescriptionBlock
            or PcapNgFormat.EnhancedPacketBlock or PcapNgFormat.SimplePacketBlock or PcapNgFormat.ObsoletePacketBlock;
        if (known)
        {
            if (rest > Remaining)
                return Stop(start, $"truncated block: type {type:X8} declares {length} bytes, the file ends after {headLength + Remaining}");
            EnsureBuffer(rest);
            n = ReadFull(_buffer.AsSpan(0, rest));
            if (n < rest)
                return Stop(start, $"truncated block: type {type:X8} declares {length} bytes, the file ends after {headLength + n}");
        }
        else
        {
            var skipped = Skip(rest);
            if (skipped < rest)
                return Stop(start, $"truncated block: type {type:X8} declares {length} bytes, the file ends after {headLength + skipped}");
        }

        Span<byte> tail = stackalloc byte[4];
        if (ReadFull(tail) < 4)
            return Stop(start, $"truncated block: type {type:X8} ends before its trailing length");
        var trailing = ReadUInt32(tail, _ngBigEndian);
        if (trailing != length)
            return Stop(start, $"trailing block length {trailing} differs from the leading length {length} (block type {type:X8})");

        var body = _buffer.AsSpan(0, known ? rest : 0);
        return type switch
        {
            PcapNgFormat.SectionHeaderBlock => StartSection(start, body),
            PcapNgFormat.InterfaceDescriptionBlock => AddInterface(start, body),
            PcapNgFormat.EnhancedPacketBlock => EnhancedPacket(start, body, out record),
            PcapNgFormat.SimplePacketBlock => SimplePacket(start, body, out record),
            PcapNgFormat.ObsoletePacketBlock => ObsoletePacket(start, body, out record),
            _ => BlockOutcome.Skipped,
        };
    }

    private BlockOutcome Stop(long offset, string message)
    {
        Fail(offset, message);
        return BlockOutcome.Stop;
    }

    /// <summary>Body after the byte-order magic: major, minor, section length, options.</summary>
    private BlockOutcome StartSection(long start, ReadOnlySpan<byte> body)
    {
        var major = ReadUInt16(body, _ngBigEndian);
        if (major != 1)
            return Stop(start, $"unsupported pcapng version {major}.{ReadUInt16(body[2..], _ngBigEndian)} (expected 1.x)");
        _sawSection = true;
        // Interface ids are per section; keep the file-wide numbering running on.
        _interfaceBase += _interfaces.Count;
        _interfaces.Clear();
        return BlockOutcome.Skipped;
    }

    private BlockOutcome AddInterface(long start, ReadOnlySpan<byte> body)
    {
        if (body.Length < 8)
            return Stop(start, $"interface description block body of {body.Length} bytes is shorter than 8");
        var linkType = (LinkType)ReadUInt16(body, _ngBigEndian);
        var snapLength = ReadUInt32(body[4..], _ngBigEndian);
        var tsResolution = PcapNgInterface.DefaultTsResolution;
        long tsOffset = 0;
        var options = new PcapNgOptionReader(body[8..], _ngBigEndian);
        while (options.TryNext(out var code, out var value))
        {
            if (code == PcapNgFormat.IfTsResolution && value.Length >= 1)
                tsResolution = value[0];
            else if (code == PcapNgFormat.IfTsOffset && value.Length >= 8)
                tsOffset = _ngBigEndian ? BinaryPrimitives.ReadInt64BigEndian(value) : BinaryPrimitives.ReadInt64LittleEndian(value);
        }
        _interfaces.Add(new PcapNgInterface(linkType, snapLength, tsResolution, tsOffset));
        return BlockOutcome.Skipped;
    }

    private BlockOutcome EnhancedPacket(long start, ReadOnlySpan<byte> body, out CaptureRecord record)
    {
        record = default;
        if (body.Length < 20)
            return Stop(start, $"enhanced packet block body of {body.Length} bytes is shorter than 20");
        var interfaceId = ReadUInt32(body, _ngBigEndian);
        var timestamp = (ulong)ReadUInt32(body[4..], _ngBigEndian) << 32 | ReadUInt32(body[8..], _ngBigEndian);
        var captured = ReadUInt32(body[12..], _ngBigEndian);
        var original = ReadUInt32(body[16..], _ngBigEndian);
        return Packet(start, body, 20, interfaceId, timestamp, captured, original, out record);
    }

    /// <summary>The pre-EPB packet block: 16-bit interface id and drop count; its options carry
    /// <c>pack_flags</c> with the same direction bits as <c>epb_flags</c>.</summary>
    private BlockOutcome ObsoletePacket(long start, ReadOnlySpan<byte> body, out CaptureRecord record)
    {
        record = default;
        if (body.Length < 20)
            return Stop(start, $"packet block body of {body.Length} bytes is shorter than 20");
        var interfaceId = ReadUInt16(body, _ngBigEndian);
        var timestamp = (ulong)ReadUInt32(body[4..], _ngBigEndian) << 32 | ReadUInt32(body[8..], _ngBigEndian);
        var captured = ReadUInt32(body[12..], _ngBigEndian);
        var original = ReadUInt32(body[16..], _ngBigEndian);
        return Packet(start, body, 20, interfaceId, timestamp, captured, original, out record);
    }

    private BlockOutcome Packet(long start, ReadOnlySpan<byte> body, int dataAt, uint interfaceId,
        ulong timestamp, uint captured, uint original, out CaptureRecord record)
    {
        record = default;
        if (interfaceId >= (uint)_interfaces.Count)
            return Stop(start, $"packet refers to interface {interfaceId}, but the section describes {_interfaces.Count}");
        if (captured > (uint)(body.Length - dataAt))
            return Stop(start, $"captured length {captured} exceeds the {body.Length - dataAt} data bytes of the block");
        var direction = PacketDirection.Unknown;
        var optionsAt = dataAt + PcapNgFormat.Pad4((int)captured);
        if (optionsAt < body.Length)
        {
            var options = new PcapNgOptionReader(body[optionsAt..], _ngBigEndian);
            while (options.TryNext(out var code, out var value))
            {
                if (code == PcapNgFormat.EpbFlags && value.Length >= 4)
                {
                    // Bits 0-1: 01 inbound, 10 outbound; 11 is not defined and read as unknown.
                    var bits = ReadUInt32(value, _ngBigEndian) & 0b11;
                    direction = bits == 0b11 ? PacketDirection.Unknown : (PacketDirection)bits;
                }
            }
        }
        var iface = _interfaces[(int)interfaceId];
        record = new CaptureRecord(FramesRead + 1, iface.ToNanoseconds(timestamp), iface.LinkType,
            _interfaceBase + (int)interfaceId, _buffer.AsMemory(dataAt, (int)captured),
            (int)Math.Min(original, int.MaxValue), direction);
        return BlockOutcome.Packet;
    }

    /// <summary>Original length only; the captured length follows from the block length and the
    /// snap length of interface 0 (the only interface an SPB can belong to).</summary>
    private BlockOutcome SimplePacket(long start, ReadOnlySpan<byte> body, out CaptureRecord record)
    {
        record = default;
        if (body.Length < 4)
            return Stop(start, $"simple packet block body of {body.Length} bytes is shorter than 4");
        if (_interfaces.Count == 0)
            return Stop(start, "simple packet block before any interface description block");
        var original = ReadUInt32(body, _ngBigEndian);
        var iface = _interfaces[0];
        var captured = Math.Min(original, (uint)(body.Length - 4));
        if (iface.SnapLength != 0)
            captured = Math.Min(captured, iface.SnapLength);
        record = new CaptureRecord(FramesRead + 1, 0, iface.LinkType, _interfaceBase, _buffer.AsMemory(4, (int)captured),
            (int)Math.Min(original, int.MaxValue), PacketDirection.Unknown);
        return BlockOutcome.Packet;
    }
}
