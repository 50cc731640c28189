namespace SynAck.Analysis.Scenarios;

/// <summary>The seed note's questions as runnable scenarios (design: scenarios.md), in the order a reader meets them.</summary>
public static class ScenarioCatalog
{
    public const string DefaultScenario = "lifecycle";

    public static IReadOnlyList<ScenarioInfo> All { get; } =
    [
        new("lifecycle", "handshake, request and response, four-way close: a whole life", []),
        new("handshake", "a client connects to a listening server: SYN, SYN-ACK, ACK", []),
        new("close", "the client closes first while the server still has data to send", []),
        new("lost-final-ack", "the last ACK is lost: the FIN comes again, TIME-WAIT answers", [WhatIf.NoTimeWait]),
        new("delayed-duplicate", "an old segment outlives its connection, meets the next one", [WhatIf.NoTimeWait]),
        new("old-duplicate-syn", "an old SYN from an earlier incarnation reaches the server", [WhatIf.TwoWayHandshake]),
        new("simultaneous-open", "both sides send SYN at the same time", []),
        new("simultaneous-close", "both sides close at the same time: CLOSING on both", []),
        new("reset", "the server aborts with RST instead of closing with FIN", []),
        new("half-open", "the server restarts with no memory; the client's data meets RST", []),
        new("syn-lost", "the first SYNs are lost: retransmission after 1 s, 2 s, 4 s", []),
        new("refused", "a client connects to a port nobody listens on", []),
        new("listen-overflow", "more clients than the listen backlog holds", []),
    ];

    public static ScenarioInfo? Find(string name)
        => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The command-line spelling of a counterfactual: <c>no-time-wait</c>, <c>two-way-handshake</c>.</summary>
    public static string Spell(WhatIf whatIf) => whatIf switch
    {
        WhatIf.NoTimeWait => "no-time-wait",
        WhatIf.TwoWayHandshake => "two-way-handshake",
        _ => "none",
    };

    public static bool TryParseWhatIf(string text, out WhatIf whatIf)
    {
        foreach (var w in Enum.GetValues<WhatIf>())
        {
            if (string.Equals(Spell(w), text, StringComparison.OrdinalIgnoreCase))
            {
                whatIf = w;
                return true;
            }
        }
        whatIf = WhatIf.None;
        return false;
    }

    public static string Explain(WhatIf whatIf) => whatIf switch
    {
        WhatIf.NoTimeWait => "the active closer skips TIME-WAIT: it forgets the connection right after its last ACK",
        WhatIf.TwoWayHandshake => "the server treats a lone SYN as a finished handshake and never waits for the third segment",
        _ => "the real protocol",
    };
}
