using System.Collections.Concurrent;

namespace SynAck.Drill.Kernel;

/// <summary>
/// A thread that entered the script's network namespace (setns(2)) and runs its system calls one after another, so
/// that the sockets live in that namespace while the rest of the process stays where it is.
/// </summary>
internal sealed class NetnsWorker : IDisposable
{
    private readonly BlockingCollection<Action> _work = [];
    private readonly Thread _thread;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public NetnsWorker(string ns)
    {
        _thread = new Thread(() => Loop(ns)) { IsBackground = true, Name = "drill-netns" };
        _thread.Start();
        _ready.Task.GetAwaiter().GetResult();
    }

    private void Loop(string ns)
    {
        int fd = LinuxCalls.Open("/run/netns/" + ns, 0);
        if (fd < 0 || LinuxCalls.SetNs(fd, LinuxCalls.ClonNewNet) != 0)
        {
            _ready.SetException(new InvalidOperationException($"cannot enter network namespace {ns}: errno {LinuxCalls.Errno}"));
            return;
        }
        _ready.SetResult();
        foreach (var action in _work.GetConsumingEnumerable())
            action();
    }

    /// <summary>Queues a call; the task completes with its result when the thread has run it.</summary>
    public Task<T> Run<T>(Func<T> call)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                tcs.SetResult(call());
            }
            catch (Exception e)
            {
                tcs.SetException(e);
            }
        });
        return tcs.Task;
    }

    public void Dispose() => _work.CompleteAdding();
}
