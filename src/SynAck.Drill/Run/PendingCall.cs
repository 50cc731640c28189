using SynAck.Drill.Syntax;

namespace SynAck.Drill.Run;

/// <summary>A blocking call in progress: it completes when <see cref="TryComplete"/> returns a result.</summary>
internal sealed record PendingCall(SyscallAction Call, int Line, long StartNs, long? EndNs, Func<CallResult?> TryComplete);
