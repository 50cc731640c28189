using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Sockets;

public sealed partial class SynAckConnection
{
    // Loop-owned state.
    private bool _closedOnLoop;
    private bool _shutdownRequested;
    private bool _shutdownDone;

    /// <summary>A read or write the user just posted.</summary>
    internal void Start(StreamOperation op, Instant now)
    {
        if (_closedOnLoop)
        {
            op.Fail(new ObjectDisposedException(nameof(SynAckConnection)));
            return;
        }
        if (op.Token.IsCancellationRequested)
        {
            op.Fail(new OperationCanceledException(op.Token));
            return;
        }
        op.Active = true;
        if (op.IsRead)
            TryRead(now);
        else
            TryWrite(now);
    }

    /// <summary>Moves pending reads and writes on and settles <see cref="ReadsClosed"/>/<see cref="WritesClosed"/>; runs after every step of the loop.</summary>
    internal void Service(Instant now)
    {
        if (_closedOnLoop)
            return;
        if (_read.Active)
            TryRead(now);
        if (_write.Active)
            TryWrite(now);
        if (_readsClosed.Task.IsCompleted && _writesClosed.Task.IsCompleted)
            return;

        var stack = Host.Stack;
        var error = stack.Error(Handle);
        _error = error;
        if (!_readsClosed.Task.IsCompleted)
        {
            if (stack.IsReceiveComplete(Handle))
                _readsClosed.TrySetResult();
            else if (error != TcpError.None)
                _readsClosed.TrySetException(SocketErrors.ForStream(error));
        }
        if (error != TcpError.None)
            _writesClosed.TrySetException(SocketErrors.ForStream(error));
        else if (_shutdownDone && !_writesClosed.Task.IsCompleted
            && stack.State(Handle) is TcpState.FinWait2 or TcpState.TimeWait or TcpState.Closed)
            _writesClosed.TrySetResult();
    }

    private void TryRead(Instant now)
    {
        var stack = Host.Stack;
        var buffer = _read.Buffer;
        int n = buffer.Length == 0 ? 0 : stack.Receive(Handle, buffer.Span, now);
        if (n > 0)
        {
            Interlocked.Add(ref _bytesRead, n);
            _read.Complete(n);
            return;
        }
        if (buffer.Length == 0 && stack.Available(Handle) > 0)
        {
            _read.Complete(0);
            return;
        }
        if (stack.IsReceiveComplete(Handle))
        {
            _readsClosed.TrySetResult();
            _read.Complete(0);
            return;
        }
        var error = stack.Error(Handle);
        if (error != TcpError.None)
        {
            _error = error;
            _read.Fail(SocketErrors.ForStream(error));
        }
        else if (stack.State(Handle) == TcpState.Closed)
            _read.Fail(SocketErrors.Closed());
    }

    private void TryWrite(Instant now)
    {
        var stack = Host.Stack;
        var error = stack.Error(Handle);
        if (error != TcpError.None)
        {
            _error = error;
            _write.Fail(SocketErrors.ForStream(error));
            return;
        }
        var data = _write.Data;
        int n;
        try
        {
            n = stack.Send(Handle, data.Span, now);
        }
        catch (InvalidOperationException)
        {
            _write.Fail(SocketErrors.Closed());
            return;
        }
        if (n > 0)
        {
            Interlocked.Add(ref _bytesWritten, n);
            data = data[n..];
            _write.Data = data;
        }
        if (data.IsEmpty)
        {
            _write.Complete(0);
            if (_shutdownRequested)
                ShutdownOnLoop(now);
            return;
        }
        if (n == 0 && stack.State(Handle) is not (TcpState.SynSent or TcpState.SynReceived or TcpState.Established or TcpState.CloseWait))
            _write.Fail(SocketErrors.Closed());
        // Otherwise the send buffer is full: the write waits for ACKs to free space (back-pressure).
    }

    /// <summary>CompleteWrites on the loop: the FIN goes after any write still in progress.</summary>
    internal void ShutdownOnLoop(Instant now)
    {
        _shutdownRequested = true;
        if (_closedOnLoop || _shutdownDone || _write.Active)
            return;
        _shutdownDone = true;
        Host.Stack.Shutdown(Handle, now);
    }

    /// <summary>Dispose (graceful CLOSE) or Abort on the loop; the host forgets the connection afterwards.</summary>
    internal void CloseOnLoop(Instant now, bool abort, Exception? reason = null)
    {
        if (_closedOnLoop)
            return;
        _closedOnLoop = true;
        Volatile.Write(ref _disposed, 1);
        reason ??= abort ? SocketErrors.Aborted() : new ObjectDisposedException(nameof(SynAckConnection));
        if (_read.Active)
            _read.Fail(reason);
        if (_write.Active)
            _write.Fail(reason);
        var stack = Host.Stack;
        _error = stack.Error(Handle);
        if (abort)
        {
            try
            {
                stack.Abort(Handle, now);
            }
            catch (ArgumentException)
            {
                // The handle already retired: nothing is left to reset.
            }
            _readsClosed.TrySetException(reason);
            _writesClosed.TrySetException(reason);
        }
        else
        {
            // The stack finishes the close on its own; what the application asked of these is settled.
            try
            {
                stack.Close(Handle, now);
            }
            catch (ArgumentException)
            {
                // The handle already retired.
            }
            _readsClosed.TrySetResult();
            _writesClosed.TrySetResult();
        }
    }

    internal void AddRetransmission() => Interlocked.Increment(ref _retransmissions);
}
