namespace SynAck.Analysis.Scenarios;

/// <summary>
/// One scenario of scenarios.md: what the applications and the network do (<see cref="Play"/>), and what the
/// run means (<see cref="Judge"/>), worded from the facts so that the words can never disagree with the ladder.
/// A fresh instance plays each run, so a script may keep what it needs for judging in fields.
/// </summary>
internal abstract class ScenarioScript
{
    /// <summary>The well-known port the server listens on.</summary>
    public const ushort ServerPort = 80;

    /// <summary>True when several connections share the ladder and state names carry a connection number.</summary>
    public virtual bool NumberConnections => false;

    public abstract void Play(ScenarioContext ctx);

    public abstract ScenarioJudgement Judge(ScenarioContext ctx, ScenarioFacts facts);
}
