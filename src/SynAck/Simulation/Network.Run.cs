using SynAck.Time;

namespace SynAck.Simulation;

public sealed partial class Network
{
    /// <summary>True when nothing is queued and no live host has a deadline.</summary>
    public bool IsIdle
    {
        get
        {
            if (_queue.Count > 0)
                return false;
            foreach (var h in _hosts)
            {
                if (!h.IsCrashed && h.Endpoint.NextDeadline != Instant.MaxValue)
                    return false;
            }
            return true;
        }
    }

    /// <summary>When the next event or host deadline is due (never earlier than <see cref="Now"/>), or <see cref="Instant.MaxValue"/>.</summary>
    public Instant NextEventTime
    {
        get
        {
            var (t, _) = NextDue();
            return t;
        }
    }

    /// <summary>Runs the single next event or host poll, whatever its time. Returns false when idle.</summary>
    public bool Step() => StepUntil(Instant.MaxValue);

    /// <summary>Runs everything due up to and including <paramref name="until"/>, then sets the clock to it.</summary>
    public void RunUntil(Instant until)
    {
        if (until < Now)
            throw new ArgumentOutOfRangeException(nameof(until), $"the clock is already at {Now}");
        PollAll();
        while (StepUntil(until))
        {
        }
        Now = until;
    }

    /// <summary>Runs for <paramref name="duration"/> of virtual time.</summary>
    public void RunFor(Duration duration) => RunUntil(Now + duration);

    /// <summary>
    /// Runs until <paramref name="condition"/> holds (checked before the first step and after each)
    /// or nothing is due before <paramref name="limit"/>. Returns whether the condition held; the
    /// clock stays at the step that made it hold, or moves to the limit when it never did.
    /// </summary>
    public bool RunUntil(Func<bool> condition, Instant limit)
    {
        ArgumentNullException.ThrowIfNull(condition);
        PollAll();
        if (condition())
            return true;
        while (StepUntil(limit))
        {
            if (condition())
                return true;
        }
        if (limit > Now)
            Now = limit;
        return condition();
    }

    /// <summary>
    /// Runs until nothing is queued and no host has a deadline, or the next thing is after
    /// <paramref name="limit"/> (then the clock moves to the limit). Returns whether the network went idle.
    /// </summary>
    public bool RunUntilIdle(Instant limit)
    {
        PollAll();
        while (StepUntil(limit))
        {
        }
        if (IsIdle)
            return true;
        if (limit > Now)
            Now = limit;
        return false;
    }

    /// <summary>The earliest due queue item or host deadline; queue items win ties, and lower host indexes win among hosts.</summary>
    private (Instant Time, SimHost? Host) NextDue()
    {
        Instant hostTime = Instant.MaxValue;
        SimHost? due = null;
        foreach (var h in _hosts)
        {
            if (h.IsCrashed)
                continue;
            Instant d = h.Endpoint.NextDeadline;
            if (d < hostTime)
            {
                hostTime = d;
                due = h;
            }
        }
        if (due is not null)
            hostTime = Instant.Max(hostTime, Now);
        if (_queue.TryPeek(out _, out var key) && key.Time <= hostTime.Nanoseconds)
            return (new Instant(key.Time), null);
        return (hostTime, due);
    }

    private bool StepUntil(Instant limit)
    {
        var (time, host) = NextDue();
        if (time == Instant.MaxValue || time > limit)
            return false;
        Now = time;
        if (host is null)
        {
            var item = _queue.Dequeue();
            Process(item);
            return true;
        }

        PollHost(host);
        // A host that stays due right after it was polled would spin the clock in place forever.
        if (!host.IsCrashed && host.Endpoint.NextDeadline <= Now)
        {
            if (++host.StuckPolls > MaxStuckPolls)
                throw new InvalidOperationException($"host '{host.Name}' is still due at {Now} after {MaxStuckPolls} polls: its NextDeadline never moves forward (seed {Seed})");
        }
        else
        {
            host.StuckPolls = 0;
        }
        return true;
    }

    private void Process(in SimQueueItem item)
    {
        switch (item.Kind)
        {
            case SimQueueItemKind.Arrival:
                Arrive(item);
                break;
            case SimQueueItemKind.Transmit:
                Transmit(item.Host!, item.Buffer.AsSpan(0, item.Length), injected: true);
                break;
            case SimQueueItemKind.Action:
                item.Action!();
                PollAll();
                break;
            case SimQueueItemKind.Crash:
                Crash(item.Host!.Name);
                break;
            case SimQueueItemKind.Restart:
                Restart(item.Host!.Name, item.Endpoint!);
                break;
        }
    }

    private void PollHost(SimHost host)
    {
        if (!host.IsCrashed)
            host.Endpoint.Poll(Now, host.Sink);
    }

    private void PollAll()
    {
        foreach (var h in _hosts)
            PollHost(h);
    }
}
