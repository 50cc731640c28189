using System.Buffers.Binary;
using SynAck.Diagnostics;
using SynAck.Stack.Ip;
using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Stack;

public sealed partial class NetStack
{
    private IpSettings _ipSettings = IpSettings.Default;
    private IpReassembler? _reassembly;
    private IcmpRateLimiter? _icmpLimiter;
    private IcmpOutQueue? _icmpOut;
    private bool _deliveringReassembled;
    private uint _fragmentIds;
    private ushort[]? _ipv4IdBuckets;

    /// <summary>Fragment reassembly and ICMP limits; set it when making the stack (<c>new NetStack(…) { IpSettings = … }</c>).</summary>
    public IpSettings IpSettings
    {
        get => _ipSettings;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            value.Validate();
            _ipSettings = value;
        }
    }

    /// <summary>IP-MIB and ICMP-MIB style counters: reassembly, ICMP in and out, rate limits, path MTU changes.</summary>
    public IpCounters IpCounters { get; } = new();

    /// <summary>ICMP messages waiting for the next <see cref="Poll"/>.</summary>
    private bool IcmpPending => _icmpOut is { Count: > 0 };

    /// <summary>When the IP layer next needs a <see cref="Poll"/>: the earliest reassembly timeout.</summary>
    private Instant IpDeadline => _reassembly is { Count: > 0 } r ? r.NextDeadline : Instant.MaxValue;

    /// <summary>
    /// A fragment for this host: held until its datagram is whole (RFC 1122 §3.3.2 MUST reassemble), then the datagram
    /// is delivered as if it had arrived in one piece. Unfragmented traffic never comes here.
    /// </summary>
    private void DeliverFragment(ReadOnlySpan<byte> packet, IpPacket ip, Instant now)
    {
        if (ip.Destination != Address)
        {
            Counters.InDiscards++;
            Drop(now, TcpDropReason.WrongAddress, default);
            return;
        }
        if (_deliveringReassembled)
        {
            // A reassembled datagram that holds another Fragment header: RFC 8200 §4.5 allows one per packet.
            IpCounters.ReasmMalformed++;
            Counters.InDiscards++;
            Drop(now, TcpDropReason.IpFragment, default, wire: WireStatus.Fragment);
            return;
        }
        _reassembly ??= new IpReassembler(_ipSettings, IpCounters);
        ReassemblyResult result;
        ReadOnlySpan<byte> whole;
        if (ip.Version == 4)
        {
            Ipv4Packet.TryParse(packet, out var v4);
            result = _reassembly.AddIpv4(v4, now, out whole);
        }
        else
        {
            Ipv6Packet.TryParse(packet, out var v6);
            result = _reassembly.AddIpv6(v6, now, out whole);
        }
        if (result == ReassemblyResult.Dropped)
        {
            Counters.InDiscards++;
            Drop(now, TcpDropReason.IpFragment, default, wire: WireStatus.Fragment);
            return;
        }
        if (result != ReassemblyResult.Complete)
            return;
        _deliveringReassembled = true;
        try
        {
            Deliver(whole, now);
        }
        finally
        {
            _deliveringReassembled = false;
        }
    }

    /// <summary>
    /// The IP layer's part of <see cref="Poll"/>: datagrams whose reassembly time ran out are given up — with an ICMP
    /// time exceeded (code 1) to the sender when the first fragment had arrived (RFC 792; RFC 8200 §4.5) — and every
    /// queued ICMP message leaves.
    /// </summary>
    private void PollIp(Instant now, IPacketSink sink)
    {
        if (_reassembly is { Count: > 0 } r && r.NextDeadline <= now)
        {
            Span<byte> quote = stackalloc byte[IcmpV6Packet.MaxQuoteLength];
            while (r.TryExpire(now, quote, out int quoteLength, out var key, out bool isV6))
            {
                if (quoteLength > 0)
                    QueueIcmpError(key.Source, isV6 ? (byte)IcmpV6Type.TimeExceeded : (byte)IcmpV4Type.TimeExceeded, 1, 0, quote[..quoteLength], now);
            }
        }
        if (_icmpOut is null)
            return;
        while (_icmpOut.TryDequeue(out var packet))
        {
            if (packet.Length <= Settings.Mtu)
                sink.Send(packet);
            else
                SendFragmented(packet, sink);
        }
    }

    /// <summary>
    /// The identification of an IPv4 datagram sent without DF (ICMP; TCP sets DF and leaves it 0, RFC 6864 §4.2).
    /// RFC 6864 §4.1: a non-atomic datagram must not repeat its ID within the datagram lifetime for its source,
    /// destination and protocol. As Linux (and RFC 7739 §5.3's bucket scheme): a counter per hash bucket of
    /// destination and protocol, each starting at a value drawn from the stack's secret key, so consecutive datagrams
    /// to a host count up by one and an off-path observer cannot tell one destination's IDs from another's.
    /// </summary>
    private ushort NextIpv4Identification(IpAddress destination, IpProtocol protocol)
    {
        const int Buckets = 256;
        Span<byte> key = stackalloc byte[6];
        if (_ipv4IdBuckets is null)
        {
            _ipv4IdBuckets = new ushort[Buckets];
            key[0] = 0x1D;
            for (int i = 0; i < Buckets; i++)
            {
                key[1] = (byte)i;
                _ipv4IdBuckets[i] = (ushort)_tsOffset.Hash(key[..2]);
            }
        }
        BinaryPrimitives.WriteUInt32BigEndian(key, destination.V4Value);
        key[4] = (byte)protocol;
        key[5] = 0xB0;
        int bucket = (int)(_tsOffset.Hash(key) % Buckets);
        return _ipv4IdBuckets[bucket]++;
    }

    /// <summary>
    /// Splits an ICMP message larger than the link MTU (an echo reply to a large ping) into fragments (RFC 791 §3.2,
    /// RFC 8200 §4.5), each carrying a multiple of 8 bytes but the last. TCP never needs this: its segments fit the MSS.
    /// </summary>
    private void SendFragmented(ReadOnlySpan<byte> packet, IPacketSink sink)
    {
        bool v6 = packet[0] >> 4 == 6;
        int header = v6 ? Ipv6Packet.FixedHeaderLength : (packet[0] & 0x0F) * 4;
        int extra = v6 ? 8 : 0;
        int chunk = (Settings.Mtu - header - extra) & ~7;
        var data = packet[header..];
        // IPv4: the datagram already has its identification (NextIpv4Identification). IPv6 (RFC 7739): a fragment
        // identification that cannot be predicted, a counter hashed under the stack's secret key.
        uint id;
        if (v6)
        {
            Span<byte> counter = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(counter, ++_fragmentIds);
            id = (uint)_tsOffset.Hash(counter);
        }
        else
        {
            id = BinaryPrimitives.ReadUInt16BigEndian(packet[4..]);
        }
        for (int offset = 0; offset < data.Length; offset += chunk)
        {
            int len = Math.Min(chunk, data.Length - offset);
            bool more = offset + len < data.Length;
            var f = _packet.AsSpan(0, header + extra + len);
            packet[..header].CopyTo(f);
            data.Slice(offset, len).CopyTo(f[(header + extra)..]);
            if (v6)
            {
                f[header] = packet[6];
                f[header + 1] = 0;
                BinaryPrimitives.WriteUInt16BigEndian(f[(header + 2)..], (ushort)(offset | (more ? 1 : 0)));
                BinaryPrimitives.WriteUInt32BigEndian(f[(header + 4)..], id);
                f[6] = (byte)IpProtocol.Fragment;
                BinaryPrimitives.WriteUInt16BigEndian(f[4..], (ushort)(extra + len));
            }
            else
            {
                BinaryPrimitives.WriteUInt16BigEndian(f[2..], (ushort)f.Length);
                BinaryPrimitives.WriteUInt16BigEndian(f[4..], (ushort)id);
                BinaryPrimitives.WriteUInt16BigEndian(f[6..], (ushort)((more ? 0x2000 : 0) | (offset >> 3)));
                f[10] = 0;
                f[11] = 0;
                BinaryPrimitives.WriteUInt16BigEndian(f[10..], Checksum.Compute(f[..header]));
            }
            sink.Send(f);
        }
    }
}
