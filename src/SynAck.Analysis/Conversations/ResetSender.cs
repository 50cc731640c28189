using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>A host that ended connections with a reset, and in which role.</summary>
public sealed record ResetSender(IpAddress Host, long Resets, long AsOriginator, long AsResponder);
