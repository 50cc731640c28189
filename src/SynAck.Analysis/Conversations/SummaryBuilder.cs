using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>Folds finished connections into the capture summary, in memory bounded by hosts and one TIME_WAIT window.</summary>
internal sealed class SummaryBuilder
{
    private readonly long _windowNs;
    private readonly Dictionary<string, long> _byState = [];
    private readonly Dictionary<ConnectionEndKind, long> _byEnd = [];
    private readonly Dictionary<IpAddress, HolderStats> _holders = [];
    private readonly Dictionary<IpAddress, ResetStats> _resetters = [];
    private readonly PercentileAccumulator _handshake = new();
    private readonly PercentileAccumulator _irtt = new();
    private long _lastForget = long.MinValue / 2;
    private long _connections, _midstream, _reuse, _synInTimeWait, _rstOrig, _rstResp, _s0, _s0Syns, _synRetrans, _reusedFlags;

    public SummaryBuilder(long windowNs) => _windowNs = windowNs;

    /// <summary>Destinations whose recent close times are remembered, over all holders (the memory the TIME_WAIT statistics hold).</summary>
    public int TrackedDestinations => _holders.Values.Sum(h => h.TrackedDestinations);

    public void Add(TcpConnection c)
    {
        _connections++;
        if (c.Midstream)
            _midstream++;
        Increment(_byState, c.ConnState);
        Increment(_byEnd, c.EndKind);
        if (c.SynToSynAck is { } hs)
            _handshake.Add(hs);
        if (c.InitialRtt is { } rtt)
            _irtt.Add(rtt);
        if (c.ConnState == "S0")
        {
            _s0++;
            _s0Syns += c.SynCount;
        }
        if (c.SynRetransmissions > 0)
            _synRetrans++;
        _reusedFlags += c.Expert[TcpExpertFlags.ReusedPorts];
        if (c.PreviousOnTupleEndedAgo is { } ago && ago.Nanoseconds < _windowNs)
            _reuse++;
        if (c.SynDuringTimeWait)
            _synInTimeWait++;

        if (c.ResetBy is { } by)
        {
            var host = by == ConnectionSide.Originator ? c.Originator.Address : c.Responder.Address;
            if (!_resetters.TryGetValue(host, out var rs))
                _resetters[host] = rs = new ResetStats();
            rs.Total++;
            if (by == ConnectionSide.Originator)
            {
                rs.AsOriginator++;
                _rstOrig++;
            }
            else
            {
                rs.AsResponder++;
                _rstResp++;
            }
        }

        if (c.TimeWaitHolder is { } holder && c.EndKind is ConnectionEndKind.Fin or ConnectionEndKind.FinThenRst)
        {
            var peer = c.ActiveCloser == ConnectionSide.Originator ? c.Responder : c.Originator;
            long closedAt = (c.SecondFinTime ?? c.FirstFinTime ?? c.End).Nanoseconds;
            if (!_holders.TryGetValue(holder.Address, out var hs2))
                _holders[holder.Address] = hs2 = new HolderStats();
            hs2.Add(peer, closedAt, _windowNs);
            // Once per window, drop the close times that have left it: memory stays at one window of closes.
            if (closedAt - _lastForget >= _windowNs)
            {
                _lastForget = closedAt;
                foreach (var h in _holders.Values)
                    h.Forget(closedAt, _windowNs);
            }
        }
    }

    public AnalysisSummary Build(PacketCounts packets) => new()
    {
        Packets = packets,
        Connections = _connections,
        MidstreamConnections = _midstream,
        ByConnState = [.. _byState.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)],
        ByEndKind = [.. _byEnd.OrderByDescending(p => p.Value).ThenBy(p => p.Key)],
        TimeWaitHolders = [.. _holders.Select(p => new TimeWaitHolder(p.Key, p.Value.Closes, p.Value.Busiest, p.Value.BusiestCount))
            .OrderByDescending(h => h.ActiveCloses).ThenBy(h => h.Host.ToString(), StringComparer.Ordinal)],
        TupleReusedWithinWindow = _reuse,
        SynsDuringTimeWait = _synInTimeWait,
        ResetByOriginator = _rstOrig,
        ResetByResponder = _rstResp,
        ResetSenders = [.. _resetters.Select(p => new ResetSender(p.Key, p.Value.Total, p.Value.AsOriginator, p.Value.AsResponder))
            .OrderByDescending(r => r.Resets).ThenBy(r => r.Host.ToString(), StringComparer.Ordinal)],
        Handshake = _handshake.Snapshot(),
        InitialRtt = _irtt.Snapshot(),
        UnansweredSynConnections = _s0,
        UnansweredSynSegments = _s0Syns,
        ConnectionsWithSynRetransmissions = _synRetrans,
        ReusedPortsFlags = _reusedFlags,
    };

    private static void Increment<TKey>(Dictionary<TKey, long> d, TKey key)
        where TKey : notnull
        => d[key] = d.GetValueOrDefault(key) + 1;

    private sealed class ResetStats
    {
        public long Total, AsOriginator, AsResponder;
    }

    /// <summary>Per holder: total active closes, and per destination the close times within the last window.</summary>
    private sealed class HolderStats
    {
        private readonly Dictionary<TcpEndpoint, Queue<long>> _recent = [];

        public long Closes { get; private set; }

        public TcpEndpoint? Busiest { get; private set; }

        public int TrackedDestinations => _recent.Count;

        public long BusiestCount { get; private set; }

        public void Add(TcpEndpoint destination, long closedAt, long windowNs)
        {
            Closes++;
            if (!_recent.TryGetValue(destination, out var q))
                _recent[destination] = q = new Queue<long>();
            while (q.Count > 0 && closedAt - q.Peek() >= windowNs)
                q.Dequeue();
            q.Enqueue(closedAt);
            if (q.Count > BusiestCount)
            {
                BusiestCount = q.Count;
                Busiest = destination;
            }
        }

        /// <summary>
        /// Forgets destinations whose last close is a whole window before <paramref name="now"/>: they can no longer
        /// raise the busiest count. Without this every destination ever closed to (a server's clients, each on its own
        /// ephemeral port) would stay in memory for the rest of the capture.
        /// </summary>
        public void Forget(long now, long windowNs)
        {
            List<TcpEndpoint>? stale = null;
            foreach (var (destination, q) in _recent)
            {
                long last = 0;
                foreach (long t in q)
                    last = t;
                if (now - last >= windowNs)
                    (stale ??= []).Add(destination);
            }
            if (stale is null)
                return;
            foreach (var destination in stale)
                _recent.Remove(destination);
            if (_recent.Count == 0)
                _recent.TrimExcess();
        }
    }
}
