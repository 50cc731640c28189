using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Tests.Scenarios;

/// <summary>Keeps every event of one stack for scenario assertions.</summary>
internal sealed class TcpEventRecorder : ITcpObserver
{
    public List<TcpEvent> Events { get; } = [];

    public void OnEvent(in TcpEvent e) => Events.Add(e);

    public IEnumerable<TcpEvent> Of(TcpEventKind kind) => Events.Where(e => e.Kind == kind);

    /// <summary>The connections (not listeners) that changed state, in order of first appearance.</summary>
    public List<ConnectionId> Connections()
        => Events.Where(e => e.Kind == TcpEventKind.StateChanged && e.Connection.RemotePort != 0).Select(e => e.Connection).Distinct().ToList();

    /// <summary>The states one connection went through, starting with the first transition's From.</summary>
    public List<TcpState> States(ConnectionId id)
    {
        var list = new List<TcpState>();
        foreach (var e in Transitions(id))
        {
            if (list.Count == 0 || list[^1] != e.From)
                list.Add(e.From);
            list.Add(e.To);
        }
        return list;
    }

    public List<TcpEvent> Transitions(ConnectionId id)
        => Events.Where(e => e.Kind == TcpEventKind.StateChanged && e.Connection == id).ToList();

    /// <summary>When the connection entered <paramref name="state"/> (the first time).</summary>
    public Instant Entered(ConnectionId id, TcpState state)
        => Transitions(id).First(e => e.To == state).Time;

    public List<TcpError> Errors(ConnectionId id)
        => Events.Where(e => e.Kind == TcpEventKind.ConnectionError && e.Connection == id).Select(e => e.Error).ToList();
}
