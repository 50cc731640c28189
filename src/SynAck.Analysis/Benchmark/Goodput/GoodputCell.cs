using SynAck.Tcp.Congestion;

namespace SynAck.Analysis.Benchmark.Goodput;

/// <summary>One path and sender configuration of the goodput table.</summary>
/// <param name="Loss">Probability that a data segment (client to server) is lost; ACKs are not lost.</param>
/// <param name="RttMs">Base round-trip time in milliseconds (twice the one-way latency, no queueing).</param>
/// <param name="Algorithm">The sender's congestion control.</param>
/// <param name="Sack">Whether SACK is negotiated (and with it RACK-TLP).</param>
internal sealed record GoodputCell(double Loss, int RttMs, CongestionAlgorithm Algorithm, bool Sack);
