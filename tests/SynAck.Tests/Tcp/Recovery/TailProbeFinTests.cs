using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Tcp.Recovery;

/// <summary>
/// RFC 8985 §7.3: with no new data to send, the tail loss probe is the highest-sequence segment sent so far. When the
/// FIN left on its own after the data (the application shut down once everything was sent), that segment is the bare
/// FIN, and the probe repeats it as it was (as Linux does, packetdrill's shutdown-rdwr-write-queue-close.pkt); a FIN
/// that went with the last data is probed with that data.
/// </summary>
public sealed class TailProbeFinTests
{
    private static (TwoStacks H, SegmentRecord Probe, SeqNum FinSeq) ProbeAfterShutdown(bool finAlone)
    {
        var h = new TwoStacks { Latency = Duration.FromMilliseconds(5) };
        var (c, s) = ConnectedPair.Open(h);
        var conn = h.Client.Get(c);
        int mss = conn.SndMss;
        // No ACK from the server reaches the client from here until the probe has gone.
        bool Probed() => h.ClientLog.Of(TcpEventKind.TimerFired).Any(e => e.Timer == TcpTimerKind.LossProbe);
        h.DropRule = r => !r.FromClient && !Probed();
        h.Client.Send(c, ConnectedPair.Pattern(4 * mss), h.Now);
        if (finAlone)
            h.RunFor(Duration.FromMilliseconds(1)); // the data leaves first
        h.Client.Shutdown(c, h.Now);
        h.RunFor(Duration.FromSeconds(1));
        var probeAt = h.ClientLog.Of(TcpEventKind.TimerFired).First(e => e.Timer == TcpTimerKind.LossProbe).Time;
        var fin = h.Wire.First(r => r.FromClient && r.Has(TcpFlags.Fin));
        var probe = h.Wire.First(r => r.FromClient && r.Time == probeAt && r.Time > fin.Time);
        Assert.Equal(0, h.Client.Counters.RetransmissionTimeouts);
        return (h, probe, fin.Seq + fin.Length);
    }

    [Fact]
    public void A_fin_sent_alone_is_probed_alone()
    {
        var (h, probe, finSeq) = ProbeAfterShutdown(finAlone: true);
        Assert.True(probe.Has(TcpFlags.Fin));
        Assert.Equal(0, probe.Length);
        Assert.Equal(finSeq, probe.Seq);
        h.Check();
    }

    [Fact]
    public void A_fin_sent_with_the_last_data_is_probed_with_it()
    {
        var (h, probe, finSeq) = ProbeAfterShutdown(finAlone: false);
        Assert.True(probe.Has(TcpFlags.Fin));
        Assert.True(probe.Length > 0);
        Assert.Equal(finSeq, probe.Seq + probe.Length);
        h.Check();
    }
}
