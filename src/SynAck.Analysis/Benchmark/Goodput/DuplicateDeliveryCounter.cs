using SynAck.Simulation;
using SynAck.Wire;

namespace SynAck.Analysis.Benchmark.Goodput;

/// <summary>
/// Counts data segments delivered to one host whose every byte it had already been given: retransmissions that were not
/// needed, seen from the receiver's side, so they are counted with or without D-SACK. Ranges are kept relative to the
/// first data segment's sequence number and merged as they touch.
/// </summary>
internal sealed class DuplicateDeliveryCounter(string receiver) : ISimObserver
{
    private readonly List<(long Left, long Right)> _ranges = [];
    private bool _started;
    private SeqNum _base;

    /// <summary>Segments delivered whose payload had wholly arrived before.</summary>
    public long Duplicates { get; private set; }

    public void OnEvent(in SimEvent e, ReadOnlySpan<byte> packet)
    {
        if (e.Kind != SimEventKind.Delivered || e.To != receiver)
            return;
        if (IpPacket.TryParse(packet, out var ip, verifyChecksum: false) != WireStatus.Ok || ip.TryGetTcp(out var tcp) != WireStatus.Ok)
            return;
        int length = tcp.Payload.Length;
        if (length == 0)
            return;
        if (!_started)
        {
            _started = true;
            _base = tcp.Seq;
        }
        long left = tcp.Seq - _base;
        long right = left + length;
        if (Covered(left, right))
            Duplicates++;
        else
            Add(left, right);
    }

    private bool Covered(long left, long right)
    {
        foreach (var (l, r) in _ranges)
        {
            if (l <= left && right <= r)
                return true;
        }
        return false;
    }

    private void Add(long left, long right)
    {
        int i = 0;
        while (i < _ranges.Count && _ranges[i].Right < left)
            i++;
        while (i < _ranges.Count && _ranges[i].Left <= right)
        {
            left = Math.Min(left, _ranges[i].Left);
            right = Math.Max(right, _ranges[i].Right);
            _ranges.RemoveAt(i);
        }
        _ranges.Insert(i, (left, right));
    }
}
