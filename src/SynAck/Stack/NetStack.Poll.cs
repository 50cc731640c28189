using SynAck.Tcp;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Stack;

public sealed partial class NetStack
{
    /// <summary>
    /// Runs every timer due at <paramref name="now"/> (retransmission, persist, delayed ACK, FIN-WAIT-2, TIME-WAIT)
    /// and hands every packet that is ready to <paramref name="sink"/>.
    /// </summary>
    public void Poll(Instant now, IPacketSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _lastNow = now;
        while (_timers.TryPeek(out var c, out long t) && t <= now.Nanoseconds)
        {
            _timers.Remove(c);
            c.OnTimers(now);
            Reschedule(c);
        }
        while (_timeWait.TryExpire(now, out int slot))
            EndTimeWait(slot, now, TcpTransitionCause.TimeWaitExpired);
        PollIp(now, sink);

        while (_control.TryDequeue(out var s))
            SendControl(s, now, sink);

        for (int i = 0; i < _dirty.Count; i++)
        {
            var c = _dirty[i];
            c.IsDirty = false;
            if (c.IsReleased)
                continue;
            c.Output(now, sink);
            Reschedule(c);
        }
        _dirty.Clear();

        // Output can free a connection and owe a last segment (an ACK on the way into TIME-WAIT is queued by Deliver, not here),
        // but keep the rule simple: nothing queued survives a Poll.
        while (_control.TryDequeue(out var s))
            SendControl(s, now, sink);
    }

    private void SendControl(in ControlSegment s, Instant now, IPacketSink sink)
    {
        var h = new TcpHeaderFields
        {
            SourcePort = s.Id.LocalPort,
            DestinationPort = s.Id.RemotePort,
            Seq = s.Seq,
            Ack = s.Ack,
            Flags = s.Flags,
            Window = s.Window,
        };
        if (s.Mss != 0)
        {
            h.Options.HasMss = true;
            h.Options.Mss = s.Mss;
        }
        h.Options.HasWindowScale = s.HasWindowScale;
        h.Options.WindowScale = s.WindowScale;
        h.Options.SackPermitted = s.SackPermitted;
        if (s.HasTimestamps)
        {
            h.Options.HasTimestamps = true;
            h.Options.TsVal = s.TsVal;
            h.Options.TsEcr = s.TsEcr;
        }
        SendSegment(s.Id, h, default, false, now, sink);
    }

    /// <summary>Builds the IP packet, hands it to the sink, counts it and reports it.</summary>
    internal void SendSegment(in ConnectionId id, in TcpHeaderFields h, ReadOnlySpan<byte> payload, bool retransmission, Instant now, IPacketSink sink)
    {
        int n = IpPacket.WriteTcp(_packet, id.LocalAddress, id.RemoteAddress, h, payload);
        if (retransmission)
            Counters.RetransSegs++;
        else
            Counters.OutSegs++;
        if ((h.Flags & TcpFlags.Rst) != 0)
            Counters.OutRsts++;
        if (_observers.Length > 0)
        {
            var summary = new TcpSegmentSummary(h.Flags, h.Seq, h.Ack, h.Window, payload.Length, h.Options);
            Emit(new TcpEvent { Kind = TcpEventKind.SegmentSent, Time = now, Connection = id, HasSegment = true, Segment = summary });
            if (retransmission)
                Emit(new TcpEvent { Kind = TcpEventKind.Retransmitted, Time = now, Connection = id, HasSegment = true, Segment = summary });
        }
        sink.Send(_packet.AsSpan(0, n));
    }

    /// <summary>Scratch space for a connection to gather one segment's payload before <see cref="SendSegment"/>.</summary>
    internal Span<byte> PayloadScratch => _payload;
}
