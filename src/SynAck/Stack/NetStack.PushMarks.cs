using SynAck.Tcp;

namespace SynAck.Stack;

public sealed partial class NetStack
{
    // Connections take push marks only while they have data queued; the emptied ones wait here for the next writer,
    // so a request-response exchange allocates nothing once the stack has warmed up.
    private const int PushMarksKept = 1024;
    private readonly Stack<PushMarks> _pushMarks = new();

    internal PushMarks RentPushMarks() => _pushMarks.TryPop(out var m) ? m : new PushMarks();

    internal void ReturnPushMarks(PushMarks marks)
    {
        if (_pushMarks.Count < PushMarksKept)
            _pushMarks.Push(marks);
    }
}
