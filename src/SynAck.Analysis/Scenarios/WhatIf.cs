namespace SynAck.Analysis.Scenarios;

/// <summary>
/// A counterfactual a scenario can be replayed under, to show why TCP does what it does by showing what breaks
/// without it. These switch on demonstration-only engine settings; no real connection should ever use them.
/// </summary>
public enum WhatIf
{
    /// <summary>The real protocol.</summary>
    None,

    /// <summary>The active closer skips TIME-WAIT and forgets the connection as soon as it sends the last ACK.</summary>
    NoTimeWait,

    /// <summary>A listener counts a connection as established on the SYN alone, with no third step.</summary>
    TwoWayHandshake,
}
