using System.Buffers.Binary;

namespace SynAck.Capture;

/// <summary>
/// Walks a pcapng option list (code, length, value padded to 4). Lenient: a list that runs past
/// its block or lacks <c>opt_endofopt</c> simply ends, since the packet around it is still good.
/// </summary>
internal ref struct PcapNgOptionReader(ReadOnlySpan<byte> options, bool bigEndian)
{
    private ReadOnlySpan<byte> _rest = options;

    public bool TryNext(out ushort code, out ReadOnlySpan<byte> value)
    {
        code = 0;
        value = default;
        if (_rest.Length < 4)
            return false;
        code = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(_rest) : BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        int length = bigEndian ? BinaryPrimitives.ReadUInt16BigEndian(_rest[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(_rest[2..]);
        if (code == PcapNgFormat.OptEndOfOptions || length > _rest.Length - 4)
        {
            _rest = default;
            return false;
        }
        value = _rest.Slice(4, length);
        _rest = _rest[Math.Min(_rest.Length, 4 + PcapNgFormat.Pad4(length))..];
        return true;
    }
}
