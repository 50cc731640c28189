using System.Net.Sockets;
using SynAck.Sockets;

namespace SynAck.Cli.Commands.Soak;

/// <summary>SynAck's side of the soak: an echo server that counts how each connection ended and every byte it echoed.</summary>
internal sealed class SoakServer
{
    /// <summary>How long an echo connection may see no byte before the server gives it up, as a real server would.</summary>
    public static readonly TimeSpan IdleLimit = TimeSpan.FromSeconds(20);

    private long _accepted, _clean, _reset, _failed, _idle, _bytes, _active;

    public long Accepted => Interlocked.Read(ref _accepted);

    public long Clean => Interlocked.Read(ref _clean);

    public long Reset => Interlocked.Read(ref _reset);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>Connections aborted after <see cref="IdleLimit"/> without a byte: a client's RST that the fault injector lost leaves SynAck a half-open connection (RFC 9293 §3.5.2) that only a timeout ends.</summary>
    public long IdleAborted => Interlocked.Read(ref _idle);

    public long BytesEchoed => Interlocked.Read(ref _bytes);

    public long Active => Interlocked.Read(ref _active);

    public List<string> Failures { get; } = [];

    public async Task RunAsync(SynAckListener listener, CancellationToken ct)
    {
        var running = new List<Task>();
        try
        {
            while (true)
            {
                var c = await listener.AcceptAsync(ct).ConfigureAwait(false);
                Interlocked.Increment(ref _accepted);
                Interlocked.Increment(ref _active);
                running.Add(Task.Run(() => EchoAsync(c), CancellationToken.None));
                running.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException or ArgumentException)
        {
            // The host itself stopped (SoakCommand reports why); the connections under way end with it.
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task EchoAsync(SynAckConnection c)
    {
        var buffer = new byte[64 * 1024];
        using var idle = new CancellationTokenSource();
        try
        {
            int n;
            idle.CancelAfter(IdleLimit);
            while ((n = await c.ReadAsync(buffer, idle.Token).ConfigureAwait(false)) > 0)
            {
                await c.WriteAsync(buffer.AsMemory(0, n), idle.Token).ConfigureAwait(false);
                Interlocked.Add(ref _bytes, n);
                idle.CancelAfter(IdleLimit);
            }
            c.CompleteWrites();
            await c.WritesClosed.WaitAsync(idle.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _clean);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested)
        {
            c.Abort();
            Interlocked.Increment(ref _idle);
        }
        catch (Exception e) when (e is IOException { InnerException: SocketException { SocketErrorCode: SocketError.ConnectionReset } } or SocketException { SocketErrorCode: SocketError.ConnectionReset })
        {
            Interlocked.Increment(ref _reset);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Interlocked.Increment(ref _failed);
            lock (Failures)
                Failures.Add($"{c.RemoteEndPoint}: {ServeCommand.Describe(e)}");
        }
        finally
        {
            await c.DisposeAsync().ConfigureAwait(false);
            Interlocked.Decrement(ref _active);
        }
    }
}
