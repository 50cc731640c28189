using System.Buffers.Binary;

namespace SynAck.Fuzz.Targets;

/// <summary>Reads a fuzzer's bytes as a program of small numbers; past the end every read is 0, so any input is a valid program.</summary>
internal ref struct FuzzInput(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _at;

    public readonly bool End => _at >= _data.Length;

    public byte Byte() => _at < _data.Length ? _data[_at++] : (byte)0;

    public ushort UInt16() => (ushort)((Byte() << 8) | Byte());

    public uint UInt32() => ((uint)UInt16() << 16) | UInt16();

    public short Int16() => unchecked((short)UInt16());

    /// <summary>Up to <paramref name="length"/> of the next bytes (fewer at the end).</summary>
    public ReadOnlySpan<byte> Take(int length)
    {
        int n = Math.Min(length, _data.Length - _at);
        var s = _data.Slice(_at, Math.Max(n, 0));
        _at += Math.Max(n, 0);
        return s;
    }

    public uint BigEndianAt(int offset) => offset + 4 <= _data.Length ? BinaryPrimitives.ReadUInt32BigEndian(_data[offset..]) : 0;
}
