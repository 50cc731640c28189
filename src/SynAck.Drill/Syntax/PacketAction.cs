namespace SynAck.Drill.Syntax;

/// <summary>
/// A packet line. <see cref="Protocol"/> is "tcp", "udp" or "icmp"; for TCP, <see cref="Flags"/> holds the flag
/// letters ("" for <c>-</c>), <see cref="FlagsAck"/> the trailing <c>.</c>; sequence numbers are as written
/// (relative to the ISNs); null <see cref="Options"/> with <see cref="AnyOptions"/> false means "no options".
/// </summary>
internal sealed record PacketAction : ScriptAction
{
    public PacketDirection Direction { get; init; }

    public string Protocol { get; init; } = "tcp";

    /// <summary>The <c>[ect0]</c> / <c>(tos 0x…, flowlabel …)</c> text, if any.</summary>
    public string? IpInfo { get; init; }

    /// <summary>An explicit or encapsulating prefix (<c>ipv4 a &gt; b:</c>, <c>gre:</c>, <c>mpls …:</c>), if any.</summary>
    public string? Prefix { get; init; }

    public int? SourcePort { get; init; }

    public int? DestinationPort { get; init; }

    public string Flags { get; init; } = "";

    public bool FlagsAck { get; init; }

    public long SeqStart { get; init; }

    public long SeqEnd { get; init; }

    public long PayloadLength { get; init; }

    public long? Ack { get; init; }

    public long? Window { get; init; }

    public long? Urgent { get; init; }

    public bool AnyOptions { get; init; }

    public IReadOnlyList<TcpOptionSpec>? Options { get; init; }

    /// <summary>For UDP and ICMP lines: the rest of the line as written.</summary>
    public string? Detail { get; init; }

    public override string ToString()
    {
        if (Protocol != "tcp")
            return $"{(Direction == PacketDirection.Inbound ? "<" : ">")} {Protocol} {Detail}";
        var s = new System.Text.StringBuilder();
        s.Append(Direction == PacketDirection.Inbound ? "< " : "> ");
        s.Append(Flags.Length == 0 && !FlagsAck ? "-" : Flags + (FlagsAck ? "." : ""));
        s.Append($" {SeqStart}:{SeqEnd}({PayloadLength})");
        if (Ack is { } a)
            s.Append($" ack {a}");
        if (Window is { } w)
            s.Append($" win {w}");
        if (Urgent is { } u)
            s.Append($" urg {u}");
        if (AnyOptions)
            s.Append(" <...>");
        else if (Options is { } o)
            s.Append(" <").Append(string.Join(',', o)).Append('>');
        return s.ToString();
    }
}
