using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SynAck.Wire;

/// <summary>
/// An IPv4 or IPv6 address as a value type (no allocation, usable as a dictionary key).
/// IPv4 addresses keep their 32 bits in network order in the low word.
/// </summary>
public readonly struct IpAddress : IEquatable<IpAddress>
{
    private readonly ulong _hi;
    private readonly ulong _lo;
    private readonly bool _isV6;

    private IpAddress(ulong hi, ulong lo, bool isV6)
    {
        _hi = hi;
        _lo = lo;
        _isV6 = isV6;
    }

    public bool IsV4 => !_isV6;

    public bool IsV6 => _isV6;

    /// <summary>The IPv4 address as a number, most significant byte first (198.18.0.1 = 0xC6120001).</summary>
    public uint V4Value => IsV4 ? (uint)_lo : throw new InvalidOperationException("not an IPv4 address");

    public static IpAddress V4(uint value) => new(0, value, false);

    public static IpAddress V4(byte a, byte b, byte c, byte d) => V4((uint)(a << 24 | b << 16 | c << 8 | d));

    public static IpAddress V6(ReadOnlySpan<byte> bytes16)
    {
        if (bytes16.Length < 16)
            throw new ArgumentException("an IPv6 address has 16 bytes", nameof(bytes16));
        return new(BinaryPrimitives.ReadUInt64BigEndian(bytes16), BinaryPrimitives.ReadUInt64BigEndian(bytes16[8..]), true);
    }

    /// <summary>Reads 4 bytes (IPv4) or 16 bytes (IPv6) in network order.</summary>
    public static IpAddress Read(ReadOnlySpan<byte> bytes, bool isV6)
        => isV6 ? V6(bytes) : V4(BinaryPrimitives.ReadUInt32BigEndian(bytes));

    /// <summary>Bytes this address occupies on the wire: 4 or 16.</summary>
    public int Length => _isV6 ? 16 : 4;

    /// <summary>Writes the address in network order; returns the number of bytes written.</summary>
    public int WriteTo(Span<byte> destination)
    {
        if (_isV6)
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination, _hi);
            BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _lo);
            return 16;
        }
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)_lo);
        return 4;
    }

    public static IpAddress Parse(string text)
        => TryParse(text, out var a) ? a : throw new FormatException($"'{text}' is not an IP address");

    public static bool TryParse(string? text, out IpAddress address)
    {
        address = default;
        if (text is null || !IPAddress.TryParse(text, out var ip))
            return false;
        address = FromIPAddress(ip);
        return true;
    }

    public static IpAddress FromIPAddress(IPAddress ip)
    {
        Span<byte> b = stackalloc byte[16];
        ip.TryWriteBytes(b, out int n);
        return ip.AddressFamily == AddressFamily.InterNetworkV6 ? V6(b) : V4(BinaryPrimitives.ReadUInt32BigEndian(b[..n]));
    }

    public IPAddress ToIPAddress()
    {
        Span<byte> b = stackalloc byte[16];
        int n = WriteTo(b);
        return new IPAddress(b[..n]);
    }

    /// <summary>The high 64 bits (IPv6; 0 for IPv4).</summary>
    internal ulong High => _hi;

    /// <summary>The low 64 bits (IPv6), or the IPv4 address in the low 32.</summary>
    internal ulong Low => _lo;

    /// <summary>The address of <see cref="High"/> and <see cref="Low"/> in the family given (for compact storage).</summary>
    internal static IpAddress FromWords(ulong high, ulong low, bool isV6) => new(high, low, isV6);

    /// <summary>The address's 16-bit words summed (unfolded), for the pseudo-header checksum.</summary>
    internal ulong SumOfWords()
    {
        static ulong Words(ulong v) => (v >> 48) + ((v >> 32) & 0xFFFF) + ((v >> 16) & 0xFFFF) + (v & 0xFFFF);
        return _isV6 ? Words(_hi) + Words(_lo) : Words(_lo & 0xFFFF_FFFF);
    }

    public bool Equals(IpAddress other) => _hi == other._hi && _lo == other._lo && _isV6 == other._isV6;

    public override bool Equals(object? obj) => obj is IpAddress a && Equals(a);

    public override int GetHashCode() => HashCode.Combine(_hi, _lo, _isV6);

    public static bool operator ==(IpAddress a, IpAddress b) => a.Equals(b);

    public static bool operator !=(IpAddress a, IpAddress b) => !a.Equals(b);

    public override string ToString()
    {
        if (_isV6)
            return ToIPAddress().ToString();
        uint v = (uint)_lo;
        return string.Create(CultureInfo.InvariantCulture, $"{v >> 24}.{(v >> 16) & 0xFF}.{(v >> 8) & 0xFF}.{v & 0xFF}");
    }
}
