using SynAck.Drill.Syntax;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Drill.Run;

internal sealed partial class SynAckTarget
{
    private static readonly long SniffSlack = Duration.FromSeconds(2).Nanoseconds;

    private ScriptConnection NewConnection(ushort localPort)
    {
        var c = new ScriptConnection(localPort, _nextRemotePort++, 0x1000_0000u * (uint)(_connections.Count + 1) + 0x0123_4567u);
        _connections.Add(c);
        return c;
    }

    private void Inbound(PacketAction p)
    {
        if (p.Protocol != "tcp")
            throw new DrillUnsupported(Line, $"{p.Protocol} packets");
        if (p.Prefix is not null)
            throw new DrillUnsupported(Line, $"packet prefix '{p.Prefix}'");
        RefuseFastOpen(p);
        var flags = InboundPacketBuilder.Flags(p);
        bool syn = (flags & TcpFlags.Syn) != 0 && (flags & TcpFlags.Ack) == 0;
        if (syn && _listenerAwaitingSyn is { } l)
        {
            // packetdrill: the first SYN to a listener opens a new connection from a fresh remote port.
            _current = NewConnection(l.BoundPort);
            _listenerAwaitingSyn = null;
        }
        _current ??= NewConnection((ushort)(_fds.Values.FirstOrDefault(s => s.BoundPort != 0)?.BoundPort ?? _config.BindPort));
        var bytes = InboundPacketBuilder.Build(p, _current, _config.Remote, _config.Local, Line);
        var delivered = new CapturedPacket(_now, bytes);
        Delivered.Add(delivered);
        _trace.Add(delivered, sent: false);
        _trace.Mark(delivered, Line);
        _sink.NowNs = _now;
        Stack.Deliver(bytes, new Instant(_now));
        _stack!.Poll(new Instant(_now), _sink);
        TryCompletePending();
    }

    /// <summary>Matches the next packet(s) the stack sends against a <c>&gt;</c> line; returns the time it was sent.</summary>
    private long Outbound(PacketAction p, EventTime time, long start, long end)
    {
        if (p.Protocol != "tcp")
            throw new DrillUnsupported(Line, $"{p.Protocol} packets");
        if (p.Prefix is not null)
            throw new DrillUnsupported(Line, $"packet prefix '{p.Prefix}'");
        RefuseFastOpen(p);
        long tol = _config.ToleranceMicros * NsPerMicro;
        // Like packetdrill, look up to 2 s past the expected time, so that a late packet is a timing error, not a missing one.
        long limit = time.Kind == TimeKind.Any ? _now + Horizon : Math.Max(start, end) + tol + SniffSlack;
        var first = NextSent(limit)
            ?? throw new DrillFailure(Line, "expected packet was not sent", p.ToString(), "nothing", Seconds(limit));
        var seg = Decode(first, p);
        _trace.Mark(first, Line);
        var conn = ConnectionFor(seg, p);
        int total = seg.PayloadLength;
        var last = seg;
        // packetdrill joins consecutive segments into the one a TSO/GSO stack would send, unless --strict_segments.
        while (!_config.StrictSegments && total > 0 && total < p.PayloadLength)
        {
            var more = NextSent(limit);
            if (more is null)
                break;
            last = Decode(more, p);
            _trace.Mark(more, Line);
            if (!conn.Matches(last, _config.Local, _config.Remote))
                throw new DrillFailure(Line, "packet is for another connection", p.ToString(), Describe(last, conn), Seconds(last.TimeNs));
            total += last.PayloadLength;
        }
        if (!ReferenceEquals(last, seg))
            seg = last with { Seq = seg.Seq, PayloadLength = total, Flags = last.Flags | (seg.Flags & TcpFlags.Cwr) };
        OutboundComparer.Compare(p, seg, conn, _config, Line, Describe);
        if (time.Kind != TimeKind.Any)
        {
            bool early = seg.TimeNs < start - tol, late = seg.TimeNs > end + tol;
            if (early || late)
            {
                string when = time.IsRange ? $"between {Seconds(start):0.000000} and {Seconds(end):0.000000} s" : $"at {Seconds(start):0.000000} s";
                throw new DrillFailure(Line, $"timing error: expected outbound packet {when} (tolerance {_config.ToleranceMicros} us) but it was sent at {Seconds(seg.TimeNs):0.000000} s",
                    p.ToString(), Describe(seg, conn), Seconds(seg.TimeNs));
            }
        }
        return seg.TimeNs;
    }

    /// <summary>SynAck has no TCP Fast Open (RFC 7413): a script that sends or expects its option is unsupported.</summary>
    private void RefuseFastOpen(PacketAction p)
    {
        if (p.Options?.Any(o => o.Kind is TcpOptionKindSpec.FastOpen or TcpOptionKindSpec.FastOpenExp) == true)
            throw new DrillUnsupported(Line, "TCP Fast Open option (RFC 7413)");
    }

    private SeenSegment Decode(CapturedPacket packet, PacketAction p)
        => SeenSegment.Decode(packet, out string? error) ?? throw new DrillFailure(Line, "stack sent a packet that is not TCP: " + error, p.ToString(), null, Seconds(packet.TimeNs));

    /// <summary>The script connection a sent segment belongs to; a SYN from a connect() starts one, a SYN-ACK fixes the local ISN.</summary>
    private ScriptConnection ConnectionFor(SeenSegment seg, PacketAction p)
    {
        bool synOnly = (seg.Flags & (TcpFlags.Syn | TcpFlags.Ack)) == TcpFlags.Syn;
        ScriptConnection? conn = _connections.FirstOrDefault(c => c.Matches(seg, _config.Local, _config.Remote));
        if (conn is null && synOnly && _connecting is { } sock)
        {
            conn = new ScriptConnection(seg.SourcePort, seg.DestinationPort, 0x0123_4567u + 0x1000_0000u * (uint)(_connections.Count + 1)) { Fd = sock.Fd };
            _connections.Add(conn);
            sock.Connection = conn;
            _connecting = null;
        }
        if (conn is null)
        {
            var tmp = new ScriptConnection(seg.SourcePort, seg.DestinationPort, 0);
            throw new DrillFailure(Line, "the stack sent a packet on a connection the script does not know", p.ToString(), Describe(seg, tmp), Seconds(seg.TimeNs));
        }
        if (!ReferenceEquals(conn, _current))
            _current = conn;
        if ((seg.Flags & TcpFlags.Syn) != 0 && p.Flags.Contains('S', StringComparison.Ordinal) && conn.LocalOffset is null)
            conn.LocalOffset = unchecked(seg.Seq - (uint)p.SeqStart);
        return conn;
    }

    private static string Describe(SeenSegment s, ScriptConnection c) => SegmentText.Describe(s, c);
}
