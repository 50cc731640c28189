namespace SynAck.Tcp;

/// <summary>Quick ACKs at the start of a connection (<see cref="TcpSettings.QuickAckSegments"/>).</summary>
internal sealed partial class TcpConnection
{
    /// <summary>Whether the data received so far still fits in the first <see cref="TcpSettings.QuickAckSegments"/>
    /// full-sized segments, whose ACKs go at once (RFC 9293 §3.8.6.3 allows it; Linux does it at a connection's start).
    /// Counted from RCV.NXT, so it costs the connection no state.</summary>
    private bool TakeQuickAck()
        => _settings.QuickAckSegments > 0 && (long)(RcvNxt - (Irs + 1)) <= (long)_settings.QuickAckSegments * OurMss;
}
