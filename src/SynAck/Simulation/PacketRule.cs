using SynAck.Time;

namespace SynAck.Simulation;

/// <summary>
/// A scripted fault: among the packets that <see cref="Match"/> accepts, counted from 1 in the order
/// hosts send them, the occurrences <see cref="FirstOccurrence"/>..<see cref="LastOccurrence"/> get
/// <see cref="Action"/>. Rules see packets as sent (before the link's random faults) and are tried in
/// the order they were added; a drop ends the evaluation, so later rules do not count that packet.
/// Injected packets bypass rules.
/// </summary>
public sealed class PacketRule
{
    public PacketRule(PacketMatch match, PacketAction action, int firstOccurrence = 1, int lastOccurrence = int.MaxValue, Duration delay = default)
    {
        ArgumentNullException.ThrowIfNull(match);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstOccurrence, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lastOccurrence, firstOccurrence);
        if (action == PacketAction.Delay && delay <= Duration.Zero)
            throw new ArgumentOutOfRangeException(nameof(delay), "a delay rule needs a positive delay");
        Match = match;
        Action = action;
        FirstOccurrence = firstOccurrence;
        LastOccurrence = lastOccurrence;
        Delay = delay;
    }

    public PacketMatch Match { get; }

    public PacketAction Action { get; }

    /// <summary>First matching packet (1-based) the rule acts on.</summary>
    public int FirstOccurrence { get; }

    /// <summary>Last matching packet (1-based, inclusive) the rule acts on; <see cref="int.MaxValue"/> for all.</summary>
    public int LastOccurrence { get; }

    /// <summary>Extra delay for <see cref="PacketAction.Delay"/>.</summary>
    public Duration Delay { get; }

    /// <summary>Packets the match accepted so far.</summary>
    public int Matched { get; private set; }

    /// <summary>Packets the rule acted on so far.</summary>
    public int Fired { get; private set; }

    /// <summary>Drop the <paramref name="n"/>-th matching packet.</summary>
    public static PacketRule DropNth(PacketMatch match, int n) => new(match, PacketAction.Drop, n, n);

    /// <summary>Drop the first <paramref name="count"/> matching packets.</summary>
    public static PacketRule DropFirst(PacketMatch match, int count) => new(match, PacketAction.Drop, 1, count);

    /// <summary>Drop every matching packet.</summary>
    public static PacketRule DropAll(PacketMatch match) => new(match, PacketAction.Drop);

    /// <summary>Delay the <paramref name="n"/>-th matching packet by <paramref name="delay"/>.</summary>
    public static PacketRule DelayNth(PacketMatch match, int n, Duration delay) => new(match, PacketAction.Delay, n, n, delay);

    /// <summary>Duplicate the <paramref name="n"/>-th matching packet.</summary>
    public static PacketRule DuplicateNth(PacketMatch match, int n) => new(match, PacketAction.Duplicate, n, n);

    /// <summary>Counts a match and says whether this occurrence is one the rule acts on.</summary>
    internal bool Apply(SimPacket packet)
    {
        if (!Match.Matches(packet))
            return false;
        Matched++;
        if (Matched < FirstOccurrence || Matched > LastOccurrence)
            return false;
        Fired++;
        return true;
    }

    public override string ToString()
    {
        string which = LastOccurrence == int.MaxValue
            ? (FirstOccurrence == 1 ? "every" : $"from #{FirstOccurrence}")
            : FirstOccurrence == LastOccurrence ? $"#{FirstOccurrence}" : $"#{FirstOccurrence}..#{LastOccurrence}";
        return $"{Action} {which} {Match}" + (Action == PacketAction.Delay ? $" by {Delay}" : "");
    }
}
