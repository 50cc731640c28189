using SynAck.Stack;

namespace SynAck.Sockets;

/// <summary>A function run once on the event loop with the stack (<see cref="SynAckHost.InvokeAsync{T}"/>).</summary>
internal sealed class LoopWork<T>(Func<NetStack, T> function) : ILoopWork
{
    public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Run(NetStack stack)
    {
        try
        {
            Completion.TrySetResult(function(stack));
        }
        catch (Exception e)
        {
            Completion.TrySetException(e);
        }
    }

    public void Fail(Exception e) => Completion.TrySetException(e);
}
