using System.Net;
using SynAck.Stack;
using SynAck.Tcp;

namespace SynAck.Sockets;

/// <summary>
/// One TCP connection of a <see cref="SynAckHost"/>, as a <see cref="Stream"/>. <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>
/// returns 0 once the peer's FIN has been read; <see cref="CompleteWrites"/> sends a FIN and keeps reading (half-close);
/// <see cref="Abort"/> resets; disposing closes gracefully. A reset by the peer surfaces as an <see cref="IOException"/>
/// wrapping a <see cref="System.Net.Sockets.SocketException"/> (ConnectionReset, or TimedOut when retransmissions run out).
/// One read and one write may run at the same time; a write waits while the send buffer is full.
/// </summary>
public sealed partial class SynAckConnection : Stream
{
    private readonly StreamOperation _read;
    private readonly StreamOperation _write;
    private readonly TaskCompletionSource _readsClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _writesClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;
    private int _writesCompleted;
    private long _bytesRead;
    private long _bytesWritten;
    private long _retransmissions;
    private volatile TcpError _error;

    internal SynAckConnection(SynAckHost host, TcpHandle handle, ConnectionId id)
    {
        Host = host;
        Handle = handle;
        Id = id;
        _read = new StreamOperation(this, isRead: true);
        _write = new StreamOperation(this, isRead: false);
        LocalEndPoint = new IPEndPoint(id.LocalAddress.ToIPAddress(), id.LocalPort);
        RemoteEndPoint = new IPEndPoint(id.RemoteAddress.ToIPAddress(), id.RemotePort);
        // Nobody has to look at these; an unobserved failure must not surface as an UnobservedTaskException.
        _ = _readsClosed.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _ = _writesClosed.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    internal SynAckHost Host { get; }

    internal TcpHandle Handle { get; }

    internal ConnectionId Id { get; }

    /// <summary>This end's address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The peer's address and port.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>Completes when the peer's FIN has been read (end of stream); faults when the connection fails or is aborted.</summary>
    public Task ReadsClosed => _readsClosed.Task;

    /// <summary>Completes when our FIN (after <see cref="CompleteWrites"/> or dispose) has been acknowledged; faults when the connection fails or is aborted.</summary>
    public Task WritesClosed => _writesClosed.Task;

    /// <summary>Why the connection failed, or <see cref="TcpError.None"/> (as last seen by the event loop).</summary>
    public TcpError Error => _error;

    /// <summary>Bytes handed to the application so far.</summary>
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>Bytes the application has written into the send buffer so far.</summary>
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);

    /// <summary>Segments retransmitted, when the host counts them (<see cref="SynAckHostOptions.CountRetransmissions"/>).</summary>
    public long Retransmissions => Interlocked.Read(ref _retransmissions);

    /// <inheritdoc/>
    public override bool CanRead => Volatile.Read(ref _disposed) == 0;

    /// <inheritdoc/>
    public override bool CanWrite => Volatile.Read(ref _disposed) == 0 && Volatile.Read(ref _writesCompleted) == 0;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// Reads at least one byte, or returns 0 at the end of the stream (the peer's FIN). A zero-byte buffer waits until
    /// data is available (or the stream ended) without consuming anything.
    /// </summary>
    /// <exception cref="IOException">The connection was reset, timed out, or aborted.</exception>
    /// <exception cref="InvalidOperationException">Another read is in progress.</exception>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled<int>(cancellationToken);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (!_read.TryStart())
            throw new InvalidOperationException("a read is already in progress on this connection");
        _read.Buffer = buffer;
        _read.Register(cancellationToken);
        Host.Post(new HostCommand(HostCommandKind.Read, _read));
        return _read.AsValueTaskOfInt();
    }

    /// <summary>Queues all of <paramref name="buffer"/> for sending; waits while the send buffer is full.</summary>
    /// <exception cref="InvalidOperationException">Writes were completed (<see cref="CompleteWrites"/>), or another write is in progress.</exception>
    /// <exception cref="IOException">The connection was reset, timed out, closed, or aborted.</exception>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
            return ValueTask.FromCanceled(cancellationToken);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Volatile.Read(ref _writesCompleted) != 0)
            throw new InvalidOperationException("writing is not allowed after CompleteWrites");
        if (buffer.IsEmpty)
            return ValueTask.CompletedTask;
        if (!_write.TryStart())
            throw new InvalidOperationException("a write is already in progress on this connection");
        _write.Data = buffer;
        _write.Done = 0;
        _write.Register(cancellationToken);
        Host.Post(new HostCommand(HostCommandKind.Write, _write));
        return _write.AsValueTask();
    }

    /// <summary>Half-close: a FIN follows the data already written (after any write in progress); reading goes on.</summary>
    public void CompleteWrites()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _writesCompleted, 1) == 0)
            Host.Post(new HostCommand(HostCommandKind.CompleteWrites, this));
    }

    /// <summary>Resets the connection (RST): queued data is dropped, and pending reads and writes fail.</summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            Host.Post(new HostCommand(HostCommandKind.Abort, this));
    }

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        ValidateBufferArguments(buffer, offset, count);
        return WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        return ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count)
    {
        ValidateBufferArguments(buffer, offset, count);
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Nothing to do: written bytes leave as soon as TCP lets them.</summary>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken)
        => cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Closes gracefully: a FIN after the data already written (a RST instead when received data is left unread,
    /// as Linux does); pending reads and writes fail with <see cref="ObjectDisposedException"/>.</summary>
    public override ValueTask DisposeAsync()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
            Host.Post(new HostCommand(HostCommandKind.Close, this));
        base.Dispose(disposing);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{LocalEndPoint} -> {RemoteEndPoint}";
}
