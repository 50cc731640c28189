using SynAck.Tcp;

namespace SynAck.Diagnostics;

/// <summary>
/// An observer that checks every reported state change against <see cref="TcpStateTable"/> and that each
/// connection's changes chain (a transition starts where the last one ended). Tests attach it to every stack
/// and call <see cref="ThrowIfViolated"/> at the end.
/// </summary>
public sealed class TransitionChecker : ITcpObserver
{
    private readonly bool _allowDemonstration;
    private readonly Dictionary<ConnectionId, TcpState> _last = [];
    private readonly List<(ConnectionId Connection, TcpTransition Transition)> _seen = [];
    private readonly List<string> _violations = [];

    /// <summary>Creates a checker; <paramref name="allowDemonstration"/> also accepts the demonstration-only arcs.</summary>
    public TransitionChecker(bool allowDemonstration = false) => _allowDemonstration = allowDemonstration;

    /// <summary>Every transition seen, in order.</summary>
    public IReadOnlyList<(ConnectionId Connection, TcpTransition Transition)> Seen => _seen;

    /// <summary>Descriptions of transitions the table does not hold, or that do not chain.</summary>
    public IReadOnlyList<string> Violations => _violations;

    /// <summary>The state sequence of one connection, starting with the first transition's From.</summary>
    public IReadOnlyList<TcpState> StatesOf(ConnectionId connection)
    {
        var states = new List<TcpState>();
        foreach (var (c, t) in _seen)
        {
            if (c != connection)
                continue;
            if (states.Count == 0 || states[^1] != t.From)
                states.Add(t.From);
            states.Add(t.To);
        }
        return states;
    }

    /// <inheritdoc/>
    public void OnEvent(in TcpEvent e)
    {
        if (e.Kind != TcpEventKind.StateChanged)
            return;
        var t = new TcpTransition(e.From, e.To, e.Cause);
        _seen.Add((e.Connection, t));
        if (!TcpStateTable.IsLegal(t.From, t.To, t.Cause, _allowDemonstration))
            _violations.Add($"{e.Time}: {e.Connection}: illegal {t.From} → {t.To} on {t.Cause}");
        // A connection whose last known state was CLOSED may be reborn from LISTEN or CLOSED (new incarnation).
        if (_last.TryGetValue(e.Connection, out var last) && last != TcpState.Closed && last != t.From)
            _violations.Add($"{e.Time}: {e.Connection}: {t.From} → {t.To} does not follow the last state {last}");
        _last[e.Connection] = t.To;
    }

    /// <summary>Throws when any violation was seen, listing them.</summary>
    public void ThrowIfViolated()
    {
        if (_violations.Count > 0)
            throw new InvalidOperationException("illegal TCP transitions:\n" + string.Join('\n', _violations));
    }
}
