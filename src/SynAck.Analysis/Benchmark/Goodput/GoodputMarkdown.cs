using System.Globalization;
using System.Text;
using SynAck.Tcp.Congestion;

namespace SynAck.Analysis.Benchmark.Goodput;

/// <summary>The goodput table as the Markdown page kept in docs/goodput.md: the same text for the same seed, no clock, no machine.</summary>
internal static class GoodputMarkdown
{
    public const string Command = "synack bench goodput > docs/goodput.md";

    public static string Write(IReadOnlyList<GoodputMeasurement> rows, ulong seed)
    {
        var sb = new StringBuilder();
        sb.Append("# Goodput under random loss (simulator, virtual time)\n\n");
        sb.Append("Regenerate with `").Append(Command).Append("` (seed ").Append(seed.ToString(CultureInfo.InvariantCulture))
          .Append("; `dotnet run -c Release --project src/SynAck.Cli -- bench goodput`). ")
          .Append("`tests/SynAck.Analysis.Tests/Benchmark/GoodputTableTests` checks that this page equals a fresh run.\n\n");
        sb.Append("Each cell is one bulk transfer from a SynAck client to a SynAck server on the simulator: ")
          .Append("100 Mbit/s each way, the given base round trip, a drop-tail queue of one bandwidth-delay product (at least 64 KiB), ")
          .Append("MSS 1448 with timestamps, 4 MiB socket buffers, and each data segment lost with the given probability (ACKs are not lost). ")
          .Append("A cell sends enough segments for about 40 losses (2,000 to 40,000 segments; 8,000 without loss). ")
          .Append("**Goodput** is application bytes per second of virtual time from the moment a quarter of the data had been delivered to the end (slow start left out). ")
          .Append("**Retx** counts segments sent again, **RTOs** retransmission timeouts, **spurious** retransmitted segments the receiver already held in full (counted at the receiver). ")
          .Append("SACK off also turns off what rides on it (RACK-TLP, D-SACK).\n\n");
        sb.Append("**Model** is the algorithm's response function for the loss rate p and the base RTT, capped at the link's 100 Mbit/s:\n");
        sb.Append("- NewReno: Mathis et al. 1997, average window sqrt(3/(2p)) ≈ 1.22/sqrt(p) segments per RTT ")
          .Append("(RFC 3465 byte counting grows cwnd one SMSS per window even with delayed ACKs, so the constant without them applies).\n");
        sb.Append("- CUBIC: RFC 9438 §5.1, average window (C·(3+β)/(4·(1−β)))^¼ · RTT^¾ / p^¾ = 1.054 · RTT^¾ / p^¾ (C = 0.4, β = 0.7, RTT in seconds), ")
          .Append("or Reno's window where that is larger (the Reno-friendly region, RFC 9438 §4.3).\n\n");
        sb.Append("Neither model counts retransmission timeouts, slow start or queueing delay. Without random loss (0 %) the retransmissions are the queue overflowing at the end of slow start; ")
          .Append("without SACK, NewReno recovery (RFC 6582) repairs one hole per round trip, so an overflow that drops hundreds of segments on a 100 ms path takes a minute or two.\n\n");
        sb.Append("| loss | RTT | CC | SACK | goodput Mbit/s | model Mbit/s | goodput/model | retx | RTOs | spurious | virtual s |\n");
        sb.Append("|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
        foreach (var r in rows)
        {
            var c = r.Cell;
            sb.Append(Inv($"| {c.Loss * 100:0.#} % | {c.RttMs} ms | {(c.Algorithm == CongestionAlgorithm.Cubic ? "CUBIC" : "NewReno")} | {(c.Sack ? "on" : "off")} "));
            sb.Append(Inv($"| {r.GoodputMbps:0.00} | {r.PredictedMbps:0.00} | {r.Ratio:0.00} | {r.Retransmissions} | {r.Timeouts} | {r.Spurious} | {r.Seconds:0.00} |\n"));
        }
        return sb.ToString();
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
