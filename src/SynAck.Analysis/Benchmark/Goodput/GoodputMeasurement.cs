namespace SynAck.Analysis.Benchmark.Goodput;

/// <summary>What one cell's transfer measured on the simulator's virtual clock, beside the response function's prediction.</summary>
/// <param name="Cell">The configuration.</param>
/// <param name="Bytes">Bytes transferred.</param>
/// <param name="GoodputMbps">Application bytes delivered per second of virtual time from when a quarter of it had been delivered to the end, in Mbit/s.</param>
/// <param name="PredictedMbps">The algorithm's response function for this loss and RTT, capped by the link, in Mbit/s.</param>
/// <param name="Retransmissions">Segments the sender sent again (RFC 4022 tcpRetransSegs).</param>
/// <param name="Timeouts">Retransmission timeouts that fired.</param>
/// <param name="Spurious">Retransmitted segments whose every byte had already reached the receiver.</param>
/// <param name="Seconds">Virtual seconds from the first byte sent to the last delivered.</param>
internal sealed record GoodputMeasurement(GoodputCell Cell, long Bytes, double GoodputMbps, double PredictedMbps, long Retransmissions, long Timeouts, long Spurious, double Seconds)
{
    /// <summary>Measured over predicted.</summary>
    public double Ratio => PredictedMbps > 0 ? GoodputMbps / PredictedMbps : 0;
}
