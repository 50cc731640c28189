using SynAck.Tcp;

namespace SynAck.Tests.Stack;

/// <summary>Keeps every event of a stack for assertions.</summary>
internal sealed class EventLog : ITcpObserver
{
    public List<TcpEvent> Events { get; } = [];

    public void OnEvent(in TcpEvent e) => Events.Add(e);

    public IEnumerable<TcpEvent> Of(TcpEventKind kind) => Events.Where(e => e.Kind == kind);

    /// <summary>The states a connection went through, starting with the first From.</summary>
    public List<TcpState> States(ConnectionId id)
    {
        var list = new List<TcpState>();
        foreach (var e in Events.Where(e => e.Kind == TcpEventKind.StateChanged && e.Connection == id))
        {
            if (list.Count == 0)
                list.Add(e.From);
            list.Add(e.To);
        }
        return list;
    }

    public List<(TcpState To, TcpTransitionCause Cause, SynAck.Time.Instant Time)> Transitions(ConnectionId id)
        => Events.Where(e => e.Kind == TcpEventKind.StateChanged && e.Connection == id).Select(e => (e.To, e.Cause, e.Time)).ToList();
}
