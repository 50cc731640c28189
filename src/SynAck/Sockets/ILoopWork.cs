using SynAck.Stack;

namespace SynAck.Sockets;

/// <summary>Work posted to the event loop.</summary>
internal interface ILoopWork
{
    void Run(NetStack stack);

    void Fail(Exception e);
}
