namespace SynAck.Analysis.Conversations;

/// <summary>
/// The followed connections by key. A key (4-tuple and tunnel path) usually holds one connection; it holds more when
/// the same 4-tuple rides the same path with other ids (another VNI, VLAN, TEID, label), chained from the newest.
/// </summary>
public sealed partial class ConversationAnalyzer
{
    /// <summary>The connection on the key that a packet with <paramref name="ids"/> in direction <paramref name="fromLow"/> fits best; null when none fits.</summary>
    private static ConnectionTracker? BestFit(ConnectionTracker head, bool fromLow, ulong ids)
    {
        ConnectionTracker? best = null;
        int bestFit = 0;
        for (var t = head; t is not null; t = t.NextOnKey)
        {
            // Ties go to the older connection (further down the chain): it is the one awaiting its other direction.
            int fit = t.TunnelFit(fromLow, ids);
            if (fit > 0 && fit >= bestFit)
            {
                best = t;
                bestFit = fit;
            }
        }
        return best;
    }

    private void Link(ConnectionKey key, ConnectionTracker tracker)
    {
        if (_active.TryGetValue(key, out var head))
            tracker.NextOnKey = head;
        _active[key] = tracker;
        _activeCount++;
    }

    private void Unlink(ConnectionKey key, ConnectionTracker tracker)
    {
        if (!_active.TryGetValue(key, out var head))
            return;
        if (head == tracker)
        {
            if (tracker.NextOnKey is { } next)
                _active[key] = next;
            else
                _active.Remove(key);
        }
        else
        {
            var previous = head;
            while (previous.NextOnKey is { } n && n != tracker)
                previous = n;
            if (previous.NextOnKey != tracker)
                return;
            previous.NextOnKey = tracker.NextOnKey;
        }
        tracker.NextOnKey = null;
        _activeCount--;
    }

    private IEnumerable<(ConnectionKey Key, ConnectionTracker Tracker)> AllActive()
    {
        foreach (var (key, head) in _active)
        {
            for (var t = head; t is not null; t = t.NextOnKey)
                yield return (key, t);
        }
    }
}
