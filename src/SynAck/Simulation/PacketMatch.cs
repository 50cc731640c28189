namespace SynAck.Simulation;

/// <summary>
/// Which packets a <see cref="PacketRule"/> applies to. Every property set must hold; unset ones match anything.
/// </summary>
public sealed record PacketMatch
{
    /// <summary>Matches every packet.</summary>
    public static PacketMatch Any { get; } = new();

    /// <summary>Name of the sending host.</summary>
    public string? From { get; init; }

    /// <summary>Name of the destination host.</summary>
    public string? To { get; init; }

    /// <summary>Any further test.</summary>
    public PacketPredicate? Where { get; init; }

    public bool Matches(SimPacket packet)
    {
        if (From is not null && packet.From != From)
            return false;
        if (To is not null && packet.To != To)
            return false;
        return Where is null || Where(packet);
    }
}
