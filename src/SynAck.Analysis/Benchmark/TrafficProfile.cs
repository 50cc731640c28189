using SynAck.Time;

namespace SynAck.Analysis.Benchmark;

/// <summary>
/// The shape of the traffic <see cref="TrafficGenerator"/> writes: how many connections run at once, how far
/// apart they start, how big the responses are, and how often things go wrong. Probabilities are per connection
/// except <see cref="LossPerFlight"/>, which is per window of data the server sends.
/// </summary>
internal sealed record TrafficProfile
{
    /// <summary>Connections in progress at the same time (the analyzer's working set).</summary>
    public int Concurrency { get; init; } = 256;

    /// <summary>Mean pause between one connection's end and the next one's start in the same slot.</summary>
    public Duration MeanGap { get; init; } = Duration.FromMilliseconds(20);

    /// <summary>Round-trip times are drawn uniformly from this range, one per connection.</summary>
    public Duration MinRtt { get; init; } = Duration.FromMilliseconds(2);

    public Duration MaxRtt { get; init; } = Duration.FromMilliseconds(120);

    /// <summary>Response sizes are log-uniform between these bounds (many small, a few large).</summary>
    public int MinResponse { get; init; } = 200;

    public int MaxResponse { get; init; } = 500_000;

    /// <summary>Chance that a connection carries more than one request (HTTP keep-alive): up to 5 exchanges.</summary>
    public double KeepAlive { get; init; } = 0.3;

    /// <summary>Chance that one segment of a window of response data is lost after the capture point.</summary>
    public double LossPerFlight { get; init; } = 0.05;

    /// <summary>Chances of the opening going wrong: SYNs never answered, a closed port, a lost SYN-ACK.</summary>
    public double Unanswered { get; init; } = 0.01;

    public double Refused { get; init; } = 0.01;

    public double SynAckLost { get; init; } = 0.01;

    /// <summary>How the connections that opened end (the rest close with the client's FIN first).</summary>
    public double ServerCloses { get; init; } = 0.3;

    public double ServerResets { get; init; } = 0.06;

    public double ClientResets { get; init; } = 0.03;

    public double FinThenReset { get; init; } = 0.03;

    /// <summary>Share of connections over IPv6.</summary>
    public double Ipv6 { get; init; } = 0.1;

    /// <summary>Distinct client hosts (each uses its own ephemeral ports in turn).</summary>
    public int Clients { get; init; } = 4096;
}
