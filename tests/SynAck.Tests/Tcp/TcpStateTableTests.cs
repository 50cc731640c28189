using SynAck.Diagnostics;
using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Tests.Tcp;

public sealed class TcpStateTableTests
{
    [Theory]
    [InlineData(TcpState.Closed, TcpState.Listen, TcpTransitionCause.PassiveOpen)]
    [InlineData(TcpState.Closed, TcpState.SynSent, TcpTransitionCause.ActiveOpen)]
    [InlineData(TcpState.Listen, TcpState.SynReceived, TcpTransitionCause.RcvSyn)]
    [InlineData(TcpState.SynSent, TcpState.SynReceived, TcpTransitionCause.RcvSyn)]
    [InlineData(TcpState.SynSent, TcpState.Established, TcpTransitionCause.RcvSynAck)]
    [InlineData(TcpState.SynReceived, TcpState.Established, TcpTransitionCause.RcvAck)]
    [InlineData(TcpState.SynReceived, TcpState.Listen, TcpTransitionCause.RcvRst)]
    [InlineData(TcpState.Established, TcpState.FinWait1, TcpTransitionCause.Close)]
    [InlineData(TcpState.Established, TcpState.CloseWait, TcpTransitionCause.RcvFin)]
    [InlineData(TcpState.FinWait1, TcpState.FinWait2, TcpTransitionCause.RcvAck)]
    [InlineData(TcpState.FinWait1, TcpState.Closing, TcpTransitionCause.RcvFin)]
    [InlineData(TcpState.FinWait1, TcpState.TimeWait, TcpTransitionCause.RcvFinAck)]
    [InlineData(TcpState.FinWait2, TcpState.TimeWait, TcpTransitionCause.RcvFin)]
    [InlineData(TcpState.CloseWait, TcpState.LastAck, TcpTransitionCause.Close)]
    [InlineData(TcpState.Closing, TcpState.TimeWait, TcpTransitionCause.RcvAck)]
    [InlineData(TcpState.LastAck, TcpState.Closed, TcpTransitionCause.RcvAck)]
    [InlineData(TcpState.TimeWait, TcpState.Closed, TcpTransitionCause.TimeWaitExpired)]
    public void Figure_5_arcs_are_legal(TcpState from, TcpState to, TcpTransitionCause cause)
        => Assert.True(TcpStateTable.IsLegal(from, to, cause));

    [Theory]
    [InlineData(TcpState.Closed, TcpState.Established, TcpTransitionCause.RcvSyn)]
    [InlineData(TcpState.Listen, TcpState.Established, TcpTransitionCause.RcvSyn)]
    [InlineData(TcpState.FinWait2, TcpState.Closed, TcpTransitionCause.RcvFin)]
    [InlineData(TcpState.TimeWait, TcpState.Closed, TcpTransitionCause.RcvRst)]
    [InlineData(TcpState.Established, TcpState.TimeWait, TcpTransitionCause.RcvFin)]
    [InlineData(TcpState.CloseWait, TcpState.FinWait1, TcpTransitionCause.Close)]
    public void Arcs_rfc_9293_lacks_are_illegal(TcpState from, TcpState to, TcpTransitionCause cause)
        => Assert.False(TcpStateTable.IsLegal(from, to, cause));

    [Fact]
    public void Demonstration_arcs_are_separate_and_only_legal_when_allowed()
    {
        Assert.NotEmpty(TcpStateTable.DemonstrationTransitions);
        foreach (var t in TcpStateTable.DemonstrationTransitions)
        {
            Assert.False(TcpStateTable.IsLegal(t.From, t.To, t.Cause));
            Assert.True(TcpStateTable.IsLegal(t.From, t.To, t.Cause, allowDemonstration: true));
            Assert.True(TcpStateTable.IsDemonstrationOnly(t));
        }
        Assert.Contains(new TcpTransition(TcpState.Listen, TcpState.Established, TcpTransitionCause.RcvSyn), TcpStateTable.DemonstrationTransitions);
        Assert.Contains(new TcpTransition(TcpState.FinWait2, TcpState.Closed, TcpTransitionCause.RcvFin), TcpStateTable.DemonstrationTransitions);
    }

    [Fact]
    public void Every_state_is_reachable_from_closed_and_can_reach_closed()
    {
        var reach = new HashSet<TcpState> { TcpState.Closed };
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var t in TcpStateTable.Transitions)
                grew |= reach.Contains(t.From) && reach.Add(t.To);
        }
        Assert.Equal(Enum.GetValues<TcpState>().Length, reach.Count);
        foreach (var s in Enum.GetValues<TcpState>())
        {
            if (s != TcpState.Closed)
                Assert.Contains(TcpStateTable.Transitions, t => t.From == s);
        }
        Assert.Equal(TcpStateTable.Transitions.Count, TcpStateTable.Transitions.Distinct().Count());
    }

    [Fact]
    public void Rfc_names_match_the_rfc_spelling()
    {
        Assert.Equal("SYN-RECEIVED", TcpStateTable.RfcName(TcpState.SynReceived));
        Assert.Equal("TIME-WAIT", TcpStateTable.RfcName(TcpState.TimeWait));
        Assert.Equal("FIN-WAIT-2", TcpStateTable.RfcName(TcpState.FinWait2));
    }

    [Fact]
    public void Transition_checker_flags_an_illegal_arc_and_a_broken_chain()
    {
        var checker = new TransitionChecker();
        var id = new ConnectionId(IpAddress.V4(1, 1, 1, 1), 1, IpAddress.V4(2, 2, 2, 2), 2);
        checker.OnEvent(new TcpEvent { Kind = TcpEventKind.StateChanged, Connection = id, From = TcpState.Closed, To = TcpState.SynSent, Cause = TcpTransitionCause.ActiveOpen });
        Assert.Empty(checker.Violations);
        checker.OnEvent(new TcpEvent { Kind = TcpEventKind.StateChanged, Connection = id, From = TcpState.Established, To = TcpState.FinWait1, Cause = TcpTransitionCause.Close });
        Assert.Single(checker.Violations);   // legal arc, but the connection was in SYN-SENT
        checker.OnEvent(new TcpEvent { Kind = TcpEventKind.StateChanged, Connection = id, From = TcpState.FinWait1, To = TcpState.Listen, Cause = TcpTransitionCause.RcvRst });
        Assert.Equal(2, checker.Violations.Count);
        Assert.Throws<InvalidOperationException>(checker.ThrowIfViolated);
        Assert.Equal([TcpState.Closed, TcpState.SynSent, TcpState.Established, TcpState.FinWait1, TcpState.Listen], checker.StatesOf(id));
    }
}
