using SynAck.Tcp;

namespace SynAck.Stack;

/// <summary>One slot of <see cref="ConnectionTimerHeap"/>: a connection and the deadline (nanoseconds) it is filed at.</summary>
internal readonly record struct TimerHeapEntry(TcpConnection Connection, long Deadline);
