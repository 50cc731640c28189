namespace SynAck.Links;

/// <summary>
/// What an in-process link sleeps on: an event set by an arriving packet, by <see cref="Wake"/> from any thread, or by a
/// dispose, plus the flag that tells a wake apart from a packet. The owner resets the event before it looks for work,
/// so a signal that lands after the look ends the sleep, and one that landed before it published its flag or packet
/// first, so the look sees it.
/// </summary>
internal sealed class WakeSignal
{
    private readonly ManualResetEventSlim _event = new(false, spinCount: 0);
    private int _woken;

    /// <summary>Resets the event before a look for work; true (and cleared) when <see cref="Wake"/> was called.</summary>
    public bool ResetAndTakeWake()
    {
        _event.Reset();
        return TakeWake();
    }

    /// <summary>True (and cleared) when <see cref="Wake"/> was called since the last take.</summary>
    public bool TakeWake() => Interlocked.Exchange(ref _woken, 0) != 0;

    /// <summary>Any thread: ends the owner's sleep and says it was a wake.</summary>
    public void Wake()
    {
        Volatile.Write(ref _woken, 1);
        _event.Set();
    }

    /// <summary>Any thread: ends the owner's sleep (a packet arrived, or the link closed).</summary>
    public void Set() => _event.Set();

    /// <summary>Sleeps until set, at most <paramref name="milliseconds"/> (-1: no limit); false on timeout.</summary>
    public bool Wait(int milliseconds, CancellationToken cancellationToken) => _event.Wait(milliseconds, cancellationToken);
}
