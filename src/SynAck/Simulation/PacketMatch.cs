using SynAck.Wire;

namespace SynAck.Simulation;

/// <summary>
/// Which packets a <see cref="PacketRule"/> applies to. Every property that is set must hold; unset
/// ones match anything. Setting any TCP property makes the match accept TCP segments only.
/// </summary>
public sealed record PacketMatch
{
    /// <summary>Matches every packet.</summary>
    public static PacketMatch Any { get; } = new();

    /// <summary>Name of the sending host.</summary>
    public string? From { get; init; }

    /// <summary>Name of the destination host.</summary>
    public string? To { get; init; }

    /// <summary>Only TCP segments (true) or only packets that are not TCP (false).</summary>
    public bool? IsTcp { get; init; }

    /// <summary>TCP flags that must all be set.</summary>
    public TcpFlags FlagsSet { get; init; }

    /// <summary>TCP flags that must all be clear.</summary>
    public TcpFlags FlagsClear { get; init; }

    public ushort? SourcePort { get; init; }

    public ushort? DestinationPort { get; init; }

    /// <summary>Only segments with data (true) or without (false).</summary>
    public bool? HasPayload { get; init; }

    /// <summary>Any further test.</summary>
    public PacketPredicate? Where { get; init; }

    /// <summary>TCP segments with all of <paramref name="set"/> and none of <paramref name="clear"/>, optionally from one host.</summary>
    public static PacketMatch Tcp(TcpFlags set, TcpFlags clear = TcpFlags.None, string? from = null)
        => new() { IsTcp = true, FlagsSet = set, FlagsClear = clear, From = from };

    /// <summary>An opening SYN (no ACK).</summary>
    public static PacketMatch Syn(string? from = null) => Tcp(TcpFlags.Syn, TcpFlags.Ack | TcpFlags.Rst, from);

    /// <summary>A SYN-ACK.</summary>
    public static PacketMatch SynAck(string? from = null) => Tcp(TcpFlags.Syn | TcpFlags.Ack, TcpFlags.Rst, from);

    /// <summary>Any segment with FIN.</summary>
    public static PacketMatch Fin(string? from = null) => Tcp(TcpFlags.Fin, TcpFlags.Rst, from);

    /// <summary>Any segment with RST.</summary>
    public static PacketMatch Rst(string? from = null) => Tcp(TcpFlags.Rst, TcpFlags.None, from);

    /// <summary>An ACK with no SYN, FIN, RST and no data.</summary>
    public static PacketMatch PureAck(string? from = null)
        => Tcp(TcpFlags.Ack, TcpFlags.Syn | TcpFlags.Fin | TcpFlags.Rst, from) with { HasPayload = false };

    /// <summary>A segment carrying data.</summary>
    public static PacketMatch Data(string? from = null) => new() { IsTcp = true, HasPayload = true, From = from };

    public bool Matches(SimPacket packet)
    {
        if (From is not null && packet.From != From)
            return false;
        if (To is not null && packet.To != To)
            return false;
        bool wantsTcp = IsTcp == true || FlagsSet != TcpFlags.None || FlagsClear != TcpFlags.None
            || SourcePort.HasValue || DestinationPort.HasValue || HasPayload.HasValue;
        if (wantsTcp && !packet.IsTcp)
            return false;
        if (IsTcp == false && packet.IsTcp)
            return false;
        if (packet.IsTcp)
        {
            var tcp = packet.Tcp;
            var flags = tcp.Flags;
            if ((flags & FlagsSet) != FlagsSet || (flags & FlagsClear) != 0)
                return false;
            if (SourcePort.HasValue && tcp.SourcePort != SourcePort.Value)
                return false;
            if (DestinationPort.HasValue && tcp.DestinationPort != DestinationPort.Value)
                return false;
            if (HasPayload.HasValue && (tcp.Payload.Length > 0) != HasPayload.Value)
                return false;
        }
        return Where is null || Where(packet);
    }

    public override string ToString()
    {
        var parts = new List<string>();
        if (From is not null)
            parts.Add($"from {From}");
        if (To is not null)
            parts.Add($"to {To}");
        if (IsTcp.HasValue)
            parts.Add(IsTcp.Value ? "tcp" : "not tcp");
        if (FlagsSet != TcpFlags.None)
            parts.Add($"flags+{FlagsSet}");
        if (FlagsClear != TcpFlags.None)
            parts.Add($"flags-{FlagsClear}");
        if (SourcePort.HasValue)
            parts.Add($"sport {SourcePort}");
        if (DestinationPort.HasValue)
            parts.Add($"dport {DestinationPort}");
        if (HasPayload.HasValue)
            parts.Add(HasPayload.Value ? "with data" : "no data");
        if (Where is not null)
            parts.Add("where ...");
        return parts.Count == 0 ? "any packet" : string.Join(' ', parts);
    }
}
