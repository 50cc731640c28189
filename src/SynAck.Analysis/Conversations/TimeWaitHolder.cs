using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// A host that closed connections actively and so held them in TIME_WAIT: how many, and the destination to
/// which it closed the most 4-tuples within one TIME_WAIT window (the ports it could not reuse there).
/// </summary>
public sealed record TimeWaitHolder(IpAddress Host, long ActiveCloses, TcpEndpoint? BusiestDestination, long MaxClosedWithinWindow);
