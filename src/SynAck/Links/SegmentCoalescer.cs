using System.Buffers.Binary;
using SynAck.Wire;

namespace SynAck.Links;

/// <summary>
/// Joins consecutive TCP segments of one flow, handed to a link one by one, into one super-packet for a TUN device's
/// segmentation offload (the kernel cuts it again only if it must: a local socket takes it whole). A segment joins
/// when it continues the pending one exactly: the same IP and TCP header but for lengths, identification, checksum
/// and sequence number; its sequence number where the last one ended; every earlier segment of the full size
/// (the GSO size, taken from the first); no SYN, RST, URG, FIN or CWR; and the whole stays within 64 KiB. A PSH
/// ends the batch (the kernel's segmentation puts PSH on the last segment only).
/// </summary>
/// <remarks>The bytes are copied into one buffer reserved with room for the <see cref="VirtioNetHeader"/> in front,
/// so the super-packet leaves in one <c>write(2)</c>.</remarks>
internal sealed class SegmentCoalescer
{
    private const byte JoinableFlags = 0x10 | 0x08 | 0x40; // ACK, PSH, ECE
    private const byte Ack = 0x10;
    private const byte Psh = 0x08;
    private const int MaxIpLength = 65535;

    private readonly byte[] _buffer = new byte[VirtioNetHeader.Size + MaxIpLength + 40];
    private int _length;
    private int _count;
    private int _segmentSize;
    private int _ipHeader;
    private int _headers;
    private bool _v6;
    private bool _closed;
    private uint _nextSeq;

    /// <summary>Segments held.</summary>
    public int Count => _count;

    /// <summary>Starts a batch with <paramref name="packet"/> if it is a data segment that may be joined; false
    /// (nothing held) otherwise. Only when empty.</summary>
    public bool TryStart(ReadOnlySpan<byte> packet)
    {
        if (!TcpSegmentation.TryHeaders(packet, out bool v6, out int ipHeader, out int headers))
            return false;
        int payload = packet.Length - headers;
        byte flags = packet[ipHeader + 13];
        if (payload == 0 || (flags & ~JoinableFlags) != 0 || (flags & Ack) == 0)
            return false;
        packet.CopyTo(_buffer.AsSpan(VirtioNetHeader.Size));
        (_length, _count, _segmentSize, _ipHeader, _headers, _v6) = (packet.Length, 1, payload, ipHeader, headers, v6);
        _nextSeq = BinaryPrimitives.ReadUInt32BigEndian(packet[(ipHeader + 4)..]) + (uint)payload;
        _closed = (flags & Psh) != 0;
        return true;
    }

    /// <summary>Appends <paramref name="packet"/> when it continues the batch exactly; false leaves the batch as it was.</summary>
    public bool TryAppend(ReadOnlySpan<byte> packet)
    {
        if (_count == 0 || _closed || packet.Length <= _headers)
            return false;
        int payload = packet.Length - _headers;
        if (payload > _segmentSize || _length + payload > MaxIpLength)
            return false;
        var first = _buffer.AsSpan(VirtioNetHeader.Size, _headers);
        if (!SameIpHeader(first, packet) || !SameTcpHeader(first[_ipHeader..], packet[_ipHeader.._headers]))
            return false;
        if (BinaryPrimitives.ReadUInt32BigEndian(packet[(_ipHeader + 4)..]) != _nextSeq)
            return false;
        packet[_headers..].CopyTo(_buffer.AsSpan(VirtioNetHeader.Size + _length));
        _length += payload;
        _count++;
        _nextSeq += (uint)payload;
        byte flags = packet[_ipHeader + 13];
        if ((flags & Psh) != 0)
        {
            first[_ipHeader + 13] |= Psh; // on the super-packet's header: the kernel keeps it for the last segment only
            _closed = true;
        }
        if (payload < _segmentSize)
            _closed = true; // only the last segment may be short
        return true;
    }

    /// <summary>Ends the batch: returns the bytes to write (virtio header and packet) and empties the coalescer.
    /// One segment leaves as it came, with a plain header; several as a GSO super-packet whose TCP checksum field
    /// holds the pseudo-header sum for the device to complete (<c>VIRTIO_NET_HDR_F_NEEDS_CSUM</c>).</summary>
    public ReadOnlySpan<byte> Finish()
    {
        var frame = _buffer.AsSpan(0, VirtioNetHeader.Size + _length);
        var packet = frame[VirtioNetHeader.Size..];
        var header = default(VirtioNetHeader);
        if (_count > 1)
        {
            TcpSegmentation.FixIpHeader(packet, _v6, _ipHeader, 0);
            var tcp = packet[_ipHeader..];
            var src = IpAddress.Read(packet.Slice(_v6 ? 8 : 12, _v6 ? 16 : 4), _v6);
            var dst = IpAddress.Read(packet.Slice(_v6 ? 24 : 16, _v6 ? 16 : 4), _v6);
            BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], (ushort)Checksum.PseudoHeaderSum(src, dst, IpProtocol.Tcp, tcp.Length));
            header = new VirtioNetHeader
            {
                Flags = VirtioNetHeader.FlagNeedsCsum,
                GsoType = _v6 ? VirtioNetHeader.GsoTcpV6 : VirtioNetHeader.GsoTcpV4,
                HeaderLength = (ushort)_headers,
                GsoSize = (ushort)_segmentSize,
                CsumStart = (ushort)_ipHeader,
                CsumOffset = 16,
            };
        }
        header.Write(frame);
        _count = 0;
        _length = 0;
        return frame;
    }

    /// <summary>Drops what is held.</summary>
    public void Clear() => _count = _length = 0;

    private bool SameIpHeader(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (_v6)
            return a[..4].SequenceEqual(b[..4]) && a[6..40].SequenceEqual(b[6..40]);
        // Version/IHL/TOS; flags/fragment, TTL, protocol; addresses and options. Not length, ID or checksum.
        return a[..2].SequenceEqual(b[..2]) && a[6..10].SequenceEqual(b[6..10]) && a[12.._ipHeader].SequenceEqual(b[12.._ipHeader]);
    }

    private static bool SameTcpHeader(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
        // Ports; acknowledgment, data offset; flags but PSH; window; urgent pointer and options. Not seq or checksum.
        => a[..4].SequenceEqual(b[..4]) && a[8..13].SequenceEqual(b[8..13]) && (a[13] & ~Psh) == (b[13] & ~Psh)
            && a[14..16].SequenceEqual(b[14..16]) && a[18..].SequenceEqual(b[18..a.Length]);
}
