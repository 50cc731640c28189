using SynAck.Diagnostics;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Stack.Ip;

/// <summary>
/// IPv4 (RFC 791 §3.2, RFC 815) and IPv6 (RFC 8200 §4.5) fragment reassembly with bounded memory and time: every
/// datagram under reassembly is charged to <see cref="IpSettings.ReassemblyBudgetBytes"/> and given up after its
/// timeout, overlapping fragments discard the datagram (RFC 5722 for IPv6; for IPv4 as Linux does since 2018), and a
/// fragment that would take a datagram past 65,535 bytes discards it. Sans-IO: time comes in with each call. Only
/// fragmented traffic reaches it; entries are kept in arrival order so that expiry is reproducible.
/// </summary>
internal sealed partial class IpReassembler
{
    /// <summary>The largest whole datagram: 65,535 bytes of IPv4, or a 65,535-byte IPv6 payload after its 40-byte header.</summary>
    private const int MaxDatagram = 65535 + Ipv6Packet.FixedHeaderLength;

    private readonly IpSettings _settings;
    private readonly IpCounters _counters;
    private readonly List<ReassemblyEntry> _entries = [];
    private byte[]? _assembled;
    private long _memory;

    public IpReassembler(IpSettings settings, IpCounters counters)
    {
        _settings = settings;
        _counters = counters;
    }

    /// <summary>The earliest expiry of a datagram under reassembly, or <see cref="Instant.MaxValue"/>.</summary>
    public Instant NextDeadline
    {
        get
        {
            var next = Instant.MaxValue;
            foreach (var e in _entries)
                next = Instant.Min(next, e.Expiry);
            return next;
        }
    }

    public int Count => _entries.Count;

    /// <summary>
    /// Gives up one datagram whose time ran out at <paramref name="now"/>. When its first fragment had arrived,
    /// <paramref name="quote"/> receives that fragment's header and the start of its data (what an ICMP time exceeded
    /// quotes) and <paramref name="quoteLength"/> is its length; otherwise 0.
    /// </summary>
    public bool TryExpire(Instant now, Span<byte> quote, out int quoteLength, out FragmentKey key, out bool isV6)
    {
        quoteLength = 0;
        key = default;
        isV6 = false;
        for (int i = 0; i < _entries.Count; i++)
        {
            var e = _entries[i];
            if (e.Expiry > now)
                continue;
            key = e.Key;
            isV6 = e.IsV6;
            if (e.Header is { } header && header.Length <= quote.Length)
            {
                header.CopyTo(quote);
                int data = Math.Min(Math.Min(e.MaxEnd, e.Data.Length), quote.Length - header.Length);
                e.Data.AsSpan(0, data).CopyTo(quote[header.Length..]);
                quoteLength = header.Length + data;
            }
            Remove(i);
            _counters.ReasmTimeout++;
            _counters.ReasmFails++;
            return true;
        }
        return false;
    }

    /// <summary>
    /// Takes one fragment's fragmentable bytes at <paramref name="offset"/>; <paramref name="header"/> is the
    /// fragment's header when it is the first (offset 0), else empty. <paramref name="headerRoom"/> is what the
    /// unfragmentable part adds to the datagram's length, to hold the whole under <see cref="MaxDatagram"/>.
    /// </summary>
    private ReassemblyResult Add(in FragmentKey key, bool isV6, int offset, ReadOnlySpan<byte> payload, bool more,
        ReadOnlySpan<byte> header, int headerRoom, Instant now, out ReassemblyEntry? complete)
    {
        complete = null;
        _counters.ReasmReqds++;
        int len = payload.Length;
        int end = offset + len;
        int index = Find(key, isV6);
        // RFC 8200 §4.5 (and RFC 791's 8-octet units): every fragment but the last carries a multiple of 8 bytes.
        if (more && (len == 0 || (len & 7) != 0))
            return Malformed(-1);
        // Nothing may reach past the largest datagram ("ping of death"): the whole datagram goes.
        if (end + headerRoom > 65535)
            return Malformed(index);

        ReassemblyEntry e;
        if (index < 0)
        {
            if (_memory + ReassemblyEntry.Overhead > _settings.ReassemblyBudgetBytes)
                return OverBudget(-1);
            var timeout = isV6 ? _settings.Ipv6ReassemblyTimeout : _settings.Ipv4ReassemblyTimeout;
            e = new ReassemblyEntry(key, isV6, now + timeout);
            _entries.Add(e);
            index = _entries.Count - 1;
            Charge(e.Memory);
        }
        else
        {
            e = _entries[index];
        }

        if (!more)
        {
            // The last fragment fixes the length: a second last fragment that disagrees, or data already past it, is malformed.
            if ((e.TotalLength >= 0 && e.TotalLength != end) || e.MaxEnd > end)
                return Malformed(index);
        }
        else if (e.TotalLength >= 0 && end > e.TotalLength)
        {
            return Malformed(index);
        }

        int first = offset >> 3;
        int last = (end + 7) >> 3;
        e.Test(first, last, out bool any, out bool all);
        if (any)
        {
            // An exact repeat (a retransmitted or duplicated fragment) is harmless; any other overlap discards the
            // datagram (RFC 5722 §4 for IPv6; Linux does the same for IPv4 against overlap attacks).
            if (all && len > 0 && end <= e.Data.Length && e.Data.AsSpan(offset, len).SequenceEqual(payload))
            {
                _counters.ReasmDuplicates++;
                return ReassemblyResult.Held;
            }
            _counters.ReasmOverlaps++;
            return Fail(index);
        }

        if (end > e.Data.Length)
        {
            int capacity = Math.Min(65535, Math.Max(end, Math.Max(2048, e.Data.Length * 2)));
            long growth = capacity - e.Data.Length;
            if (_memory + growth > _settings.ReassemblyBudgetBytes)
                return OverBudget(index);
            var data = new byte[capacity];
            e.Data.AsSpan(0, Math.Min(e.MaxEnd, e.Data.Length)).CopyTo(data);
            e.Data = data;
            Charge(growth);
        }
        if (offset == 0 && e.Header is null)
        {
            if (_memory + header.Length > _settings.ReassemblyBudgetBytes)
                return OverBudget(index);
            e.Header = header.ToArray();
            Charge(header.Length);
        }
        payload.CopyTo(e.Data.AsSpan(offset));
        e.Mark(first, last);
        e.Received += len;
        e.MaxEnd = Math.Max(e.MaxEnd, end);
        if (!more)
            e.TotalLength = end;

        if (e.TotalLength < 0 || e.Received != e.TotalLength || e.Header is null)
            return ReassemblyResult.Held;
        Remove(index);
        _counters.ReasmOKs++;
        complete = e;
        return ReassemblyResult.Complete;
    }

    /// <summary>The buffer a whole datagram is built in; reused, so valid until the next fragment is taken.</summary>
    private Span<byte> AssemblyBuffer(int length)
    {
        _assembled ??= new byte[MaxDatagram];
        return _assembled.AsSpan(0, length);
    }

    private int Find(in FragmentKey key, bool isV6)
    {
        for (int i = 0; i < _entries.Count; i++)
        {
            var e = _entries[i];
            if (e.IsV6 == isV6 && e.Key == key)
                return i;
        }
        return -1;
    }

    private ReassemblyResult Malformed(int index)
    {
        _counters.ReasmMalformed++;
        return index >= 0 ? Fail(index) : ReassemblyResult.Dropped;
    }

    private ReassemblyResult OverBudget(int index)
    {
        _counters.ReasmOverBudget++;
        return index >= 0 ? Fail(index) : ReassemblyResult.Dropped;
    }

    private ReassemblyResult Fail(int index)
    {
        Remove(index);
        _counters.ReasmFails++;
        return ReassemblyResult.Dropped;
    }

    private void Remove(int index)
    {
        var e = _entries[index];
        _entries.RemoveAt(index);
        Charge(-e.Memory);
        _counters.ReasmDatagrams = _entries.Count;
    }

    private void Charge(long bytes)
    {
        _memory += bytes;
        _counters.ReasmBytes = _memory;
        _counters.ReasmDatagrams = _entries.Count;
    }
}
