namespace SynAck.Links;

/// <summary>
/// Segmentation and checksum offload (<c>IFF_VNET_HDR</c> + <c>TUNSETOFFLOAD</c>): every frame on the descriptor starts
/// with a <see cref="VirtioNetHeader"/>. Into SynAck the kernel hands its TCP output unsegmented (TSO: up to 64 KiB
/// with <c>gso_size</c> = its MSS) and unchecksummed (<c>F_NEEDS_CSUM</c>); out of SynAck, consecutive segments of one
/// flow join into one such super-packet (<see cref="SegmentCoalescer"/>), which the kernel's TCP takes whole.
/// </summary>
public sealed unsafe partial class TunLink
{
    // An IPv6 header and a 64 KiB payload: the largest packet a TSO device is handed.
    private const int MaxSuperPacket = 40 + 65535;

    private readonly SegmentCoalescer? _coalescer;
    private readonly byte[]? _received;
    private int _receivedLength;
    private int _segmentsLeft;
    private int _segmentIndex;
    private int _segmentSize;
    private int _segmentIpHeader;
    private int _segmentHeaders;
    private bool _segmentV6;

    /// <summary>Whether the device was opened with segmentation and checksum offload.</summary>
    public bool Offload => _coalescer is not null;

    /// <summary><see cref="Mtu"/>, or with <see cref="Offload"/> the largest super-packet (65,575 bytes): a buffer of
    /// this size receives every packet whole.</summary>
    public int ReceiveSize => _received is null ? Mtu : MaxSuperPacket;

    /// <summary>Writes the segments held back to be joined (one super-packet, or one plain packet).</summary>
    public void EndBatch()
    {
        if (_coalescer is null || _coalescer.Count == 0)
            return;
        if (_failure is not null || _disposed)
        {
            _coalescer.Clear();
            return;
        }
        if (_coalescer.Count > 1)
            Counters.OnSuperPacketSent();
        Write(_coalescer.Finish(), counted: 0); // each segment was counted when it was taken
    }

    /// <summary>Writes <paramref name="packet"/> as one frame of any length up to 64 KiB, not joined with others and
    /// not checked against the MTU: a peer's packet longer than the MTU arrives whole, as packetdrill injects a
    /// script's large segment (a device reader may write frames over the MTU; the kernel takes them).</summary>
    internal bool TrySendWhole(ReadOnlySpan<byte> packet)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null || packet.IsEmpty || packet.Length > MaxSuperPacket)
        {
            Counters.OnSendRefused();
            return false;
        }
        EndBatch();
        if (_coalescer is null)
            return Write(packet, packet.Length);
        Span<byte> frame = stackalloc byte[VirtioNetHeader.Size];
        frame.Clear();
        return Write(frame, packet, packet.Length);
    }

    private bool Receive(Span<byte> buffer, out int length, out bool checksumVerified, bool completeChecksum)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfFailed();
        if (buffer.Length < Mtu)
            throw new ArgumentException($"the buffer holds {buffer.Length} bytes, less than the MTU {Mtu}", nameof(buffer));
        checksumVerified = false;
        if (_received is null)
            return ReadPlain(buffer, out length);
        while (true)
        {
            if (_segmentsLeft > 0)
            {
                length = TcpSegmentation.Segment(_received.AsSpan(0, _receivedLength), _segmentV6, _segmentIpHeader, _segmentHeaders,
                    _segmentSize, _segmentIndex++, buffer);
                _segmentsLeft--;
                checksumVerified = true; // computed just now
                Counters.OnReceived(length);
                return true;
            }

            // A caller's buffer that holds any super-packet is read into directly; a smaller one goes through ours.
            bool direct = buffer.Length >= MaxSuperPacket;
            var target = direct ? buffer : _received;
            int n = ReadFrame(target, out var header);
            if (n < 0)
            {
                length = 0;
                return false;
            }
            bool partial = (header.Flags & VirtioNetHeader.FlagNeedsCsum) != 0;
            if (header.GsoType != VirtioNetHeader.GsoNone)
                Counters.OnSuperPacketReceived();
            if (!direct && n > buffer.Length)
            {
                // A super-packet for a caller that takes MTU-sized packets: hand over its segments one by one.
                if (header.GsoType == VirtioNetHeader.GsoNone || header.GsoSize == 0
                    || !TcpSegmentation.TryHeaders(target[..n], out _segmentV6, out _segmentIpHeader, out _segmentHeaders)
                    || _segmentHeaders + header.GsoSize > buffer.Length)
                {
                    Counters.OnReceiveDropped();
                    continue;
                }
                (_receivedLength, _segmentSize, _segmentIndex) = (n, header.GsoSize, 0);
                _segmentsLeft = TcpSegmentation.SegmentCount(n - _segmentHeaders, _segmentSize);
                continue;
            }
            if (partial && (completeChecksum || !direct) && !TcpSegmentation.TryCompleteChecksum(target[..n], header.CsumStart, header.CsumOffset))
            {
                Counters.OnReceiveDropped();
                continue;
            }
            if (!direct)
                target[..n].CopyTo(buffer);
            checksumVerified = partial || (header.Flags & VirtioNetHeader.FlagDataValid) != 0;
            length = n;
            Counters.OnReceived(n);
            return true;
        }
    }
}
