using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Sockets;

public sealed partial class SynAckHost
{
    // Everything below belongs to the loop thread.
    private readonly byte[] _receiveBuffer;
    private readonly LinkSink _sink;
    private readonly List<SynAckConnection> _open = [];
    private readonly List<SynAckListener> _listeners = [];
    private readonly List<ConnectAttempt> _attempts = [];
    private readonly Dictionary<ConnectionId, SynAckConnection> _byId = [];
    private long _packetsIgnored;
    private bool _loopEnded;
    private Exception? _failure;

    internal NetStack Stack => _stack;

    /// <summary>The host's clock as an <see cref="Instant"/> (nanoseconds since the host started).</summary>
    internal Instant Now()
    {
        var elapsed = _time.GetElapsedTime(_startTimestamp);
        return new Instant(elapsed.Ticks * 100);
    }

    private void Run()
    {
        Exception? failure = null;
        try
        {
            Loop();
        }
        catch (Exception e)
        {
            // A link that went away (LinkFailedException) lands here too: every waiter fails with it, so
            // applications see why, and Completion carries it.
            failure = e;
        }
        EndLoop(failure);
        if (failure is null)
            _stopped.TrySetResult();
        else
            _stopped.TrySetException(failure);
    }

    private void Loop()
    {
        Instant stopDeadline = Instant.MaxValue;
        while (true)
        {
            var now = Now();
            RunCommands(now);
            if (_stopping && stopDeadline == Instant.MaxValue)
            {
                BeginStop(now);
                stopDeadline = now + Duration.FromNanoseconds(_options.ShutdownGrace.Ticks * 100);
            }

            DeliverAll(now);
            Service(now);
            _stack.Poll(now, _sink);
            _link.EndBatch();
            Service(now);

            if (_stopping && (_stack.ConnectionCount == 0 || now >= stopDeadline))
                return;

            var deadline = _stack.NextDeadline;
            if (_stopping)
                deadline = Instant.Min(deadline, stopDeadline);
            TimeSpan timeout;
            if (deadline == Instant.MaxValue)
                timeout = Timeout.InfiniteTimeSpan;
            else
            {
                var wait = deadline - Now();
                timeout = wait.Nanoseconds <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks((wait.Nanoseconds + 99) / 100);
            }
            // A posted call has woken the link already, so this returns at once when there is work.
            if (timeout != TimeSpan.Zero)
                _link.Wait(timeout);
        }
    }

    private void DeliverAll(Instant now)
    {
        bool v6 = _stack.Address.IsV6;
        // With offload a packet may be a 64 KiB super-packet, delivered whole: TCP takes any in-window segment.
        DeliverForwarded(now);
        while (_link.TryReceive(_receiveBuffer, out int length, out bool checksumVerified))
        {
            if (_group is not null && TryForward(_receiveBuffer.AsSpan(0, length), checksumVerified))
                continue;
            // The stack speaks one IP version; the kernel's chatter in the other (router solicitations) is not for it.
            if (length == 0 || (_receiveBuffer[0] >> 4) != (v6 ? 6 : 4))
            {
                _packetsIgnored++;
                continue;
            }
            if (checksumVerified)
                _stack.DeliverChecksumVerified(_receiveBuffer.AsSpan(0, length), now);
            else
                _stack.Deliver(_receiveBuffer.AsSpan(0, length), now);
            // Poll after every packet, not once per batch: the stack keeps one "ACK now" flag per connection, so
            // three out-of-order segments delivered back to back would otherwise leave as a single ACK, and the
            // peer would never see the duplicate ACKs that trigger its fast retransmit (RFC 5681 §4.2).
            _stack.Poll(now, _sink);
            _link.EndBatch();
        }
    }

    private void RunCommands(Instant now)
    {
        lock (_queueLock)
            (_posted, _running) = (_running, _posted);
        while (_running.TryDequeue(out var command))
            RunCommand(command, now);
    }

    private void RunCommand(in HostCommand command, Instant now)
    {
        switch (command.Kind)
        {
            case HostCommandKind.Read:
            case HostCommandKind.Write:
            {
                var op = (StreamOperation)command.Target!;
                op.Owner.Start(op, now);
                break;
            }
            case HostCommandKind.CancelRead:
            case HostCommandKind.CancelWrite:
            {
                var op = (StreamOperation)command.Target!;
                if (op.Active && op.Version == command.Version)
                    op.Fail(new OperationCanceledException(op.Token));
                break;
            }
            case HostCommandKind.CompleteWrites:
                ((SynAckConnection)command.Target!).ShutdownOnLoop(now);
                break;
            case HostCommandKind.Close:
            {
                var c = (SynAckConnection)command.Target!;
                c.CloseOnLoop(now, abort: false);
                Forget(c);
                break;
            }
            case HostCommandKind.Abort:
            {
                var c = (SynAckConnection)command.Target!;
                c.CloseOnLoop(now, abort: true);
                Forget(c);
                break;
            }
            case HostCommandKind.Accept:
                ((AcceptWaiter)command.Target!).Listener.AddWaiter((AcceptWaiter)command.Target!);
                break;
            case HostCommandKind.StopListening:
            {
                var l = (SynAckListener)command.Target!;
                if (_listeners.Remove(l))
                    l.StopOnLoop(now, new ObjectDisposedException(nameof(SynAckListener)));
                break;
            }
            case HostCommandKind.Connect:
                StartConnect((ConnectAttempt)command.Target!, now);
                break;
            case HostCommandKind.CancelConnect:
            {
                var a = (ConnectAttempt)command.Target!;
                if (_attempts.Remove(a))
                {
                    _stack.Abort(a.Handle, now);
                    a.Completion.TrySetCanceled(a.Token);
                }
                break;
            }
            case HostCommandKind.Invoke:
                ((ILoopWork)command.Target!).Run(_stack);
                break;
            case HostCommandKind.Stop:
                _stopping = true;
                break;
        }
    }

    private void StartConnect(ConnectAttempt attempt, Instant now)
    {
        if (_stopping)
        {
            attempt.Completion.TrySetException(new ObjectDisposedException(nameof(SynAckHost)));
            return;
        }
        try
        {
            attempt.Handle = _stack.Connect(attempt.Remote, attempt.RemotePort, now, ChooseLocalPort(attempt));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            attempt.Completion.TrySetException(e);
            return;
        }
        _attempts.Add(attempt);
        attempt.ListenForCancellation();
    }

    /// <summary>Finishes connect attempts, hands accepted connections to waiting accepts, and moves every open stream on.</summary>
    private void Service(Instant now)
    {
        for (int i = _attempts.Count - 1; i >= 0; i--)
        {
            var a = _attempts[i];
            var state = _stack.State(a.Handle);
            if (state is TcpState.SynSent or TcpState.SynReceived)
                continue;
            _attempts.RemoveAt(i);
            a.DisposeRegistration();
            var error = _stack.Error(a.Handle);
            if (state == TcpState.Closed || error != TcpError.None)
            {
                _stack.Abort(a.Handle, now);
                a.Completion.TrySetException(SocketErrors.ForConnect(error));
                continue;
            }
            var c = Adopt(a.Handle);
            if (!a.Completion.TrySetResult(c))
            {
                // Cancelled in the same instant it connected: the application never saw it.
                c.CloseOnLoop(now, abort: true);
                Forget(c);
            }
        }

        foreach (var l in _listeners)
        {
            while (l.WantsConnection && _stack.TryAccept(l.Port, out var handle))
                l.Offer(Adopt(handle));
        }

        for (int i = 0; i < _open.Count; i++)
            _open[i].Service(now);
    }

    private SynAckConnection Adopt(TcpHandle handle)
    {
        var c = new SynAckConnection(this, handle, _stack.GetConnectionId(handle));
        _open.Add(c);
        if (_options.CountRetransmissions)
            _byId[c.Id] = c;
        return c;
    }

    private void Forget(SynAckConnection c)
    {
        _open.Remove(c);
        if (_options.CountRetransmissions)
            _byId.Remove(c.Id);
    }

    internal void AbortOnLoop(SynAckConnection c, Instant now)
    {
        c.CloseOnLoop(now, abort: true);
        Forget(c);
    }

    internal void CountRetransmission(in ConnectionId id)
    {
        if (_byId.TryGetValue(id, out var c))
            c.AddRetransmission();
    }

    private void BeginStop(Instant now, Exception? failure = null)
    {
        var disposed = failure ?? new ObjectDisposedException(nameof(SynAckHost));
        foreach (var l in _listeners)
            l.StopOnLoop(now, disposed);
        _listeners.Clear();
        foreach (var a in _attempts)
        {
            a.DisposeRegistration();
            _stack.Abort(a.Handle, now);
            a.Completion.TrySetException(disposed);
        }
        _attempts.Clear();
        foreach (var c in _open)
            c.CloseOnLoop(now, abort: true, disposed);
        _open.Clear();
        _byId.Clear();
    }

    /// <summary>After the loop: fail whatever is still waiting (with <paramref name="failure"/> when the loop failed),
    /// refuse later calls, release the link.</summary>
    private void EndLoop(Exception? failure)
    {
        var reason = failure ?? new ObjectDisposedException(nameof(SynAckHost));
        _stopping = true;
        lock (_queueLock)
        {
            _failure = failure;
            _loopEnded = true;
        }
        try
        {
            var now = Now();
            BeginStop(now, failure);
            _stack.Poll(now, _sink);
            _link.EndBatch();
        }
        catch (Exception)
        {
            // The loop already failed or is done; what matters now is failing the waiters below.
        }
        while (true)
        {
            lock (_queueLock)
                (_posted, _running) = (_running, _posted);
            if (_running.Count == 0)
                break;
            while (_running.TryDequeue(out var command))
                FailCommand(command, reason);
        }
        if (_options.OwnsLink)
            _link.Dispose();
    }

    private static void FailCommand(in HostCommand command, Exception reason)
    {
        switch (command.Target)
        {
            case StreamOperation op when command.Kind is HostCommandKind.Read or HostCommandKind.Write:
                op.Fail(reason);
                break;
            case AcceptWaiter w:
                w.Completion.TrySetException(reason);
                break;
            case ConnectAttempt a:
                a.Completion.TrySetException(reason);
                break;
            case ILoopWork work:
                work.Fail(reason);
                break;
        }
    }
}
