using SynAck.Drill.Syntax;
using SynAck.Wire;

namespace SynAck.Drill.Run;

/// <summary>
/// Compares a segment the stack sent with a script's <c>&gt;</c> line the way packetdrill's verify_outbound_live_packet
/// does: payload length, flags, sequence and ack numbers (script-relative), window when the line gives one, the
/// urgent pointer, and the options kind by kind in order (values exact, TS val only with --tcp_ts_tick_usecs).
/// </summary>
internal static class OutboundComparer
{
    public static void Compare(PacketAction p, SeenSegment s, ScriptConnection c, DrillConfig config, int line, Func<SeenSegment, ScriptConnection, string> describe)
    {
        void Fail(string what) => throw new DrillFailure(line, what, p.ToString(), describe(s, c), s.TimeNs / 1e9);

        if (s.PayloadLength != p.PayloadLength)
            Fail($"payload: expected {p.PayloadLength} bytes, actual {s.PayloadLength} bytes");
        var want = InboundPacketBuilder.Flags(p);
        if (want != s.Flags)
            Fail($"TCP flags: expected {p.Flags}{(p.FlagsAck ? "." : "")}, actual {describe(s, c).Split(' ')[0]}");
        if (c.ScriptLocal(s.Seq) != unchecked((uint)p.SeqStart))
            Fail($"sequence number: expected {p.SeqStart}, actual {c.ScriptLocal(s.Seq)}");
        bool syn = (s.Flags & TcpFlags.Syn) != 0;
        if ((s.Flags & TcpFlags.Ack) != 0 && p.Ack is { } ack && c.ScriptRemote(s.Ack, syn) != unchecked((uint)ack))
            Fail($"ack number: expected {ack}, actual {c.ScriptRemote(s.Ack, syn)}");
        if (p.Window is { } win && win != s.Window)
            Fail($"window: expected {win}, actual {s.Window}");
        if ((p.Urgent ?? 0) != s.Urgent)
            Fail($"urgent pointer: expected {p.Urgent ?? 0}, actual {s.Urgent}");
        if (p.IpInfo is { } info)
        {
            var (tos, _) = InboundPacketBuilder.IpInfo(info, line);
            if ((tos & 3) != (s.Tos & 3))
                Fail($"ECN field: expected {tos & 3}, actual {s.Tos & 3}");
        }
        MapTimestamps(p, s, c);
        if (p.AnyOptions)
            return;
        var script = p.Options ?? [];
        if (script.Count != s.Options.Count)
            Fail("TCP options differ");
        for (int i = 0; i < script.Count; i++)
        {
            var e = script[i];
            var a = s.Options[i];
            bool same = e.Kind switch
            {
                TcpOptionKindSpec.Nop => a.Kind == 1,
                TcpOptionKindSpec.Eol => a.Kind == 0,
                TcpOptionKindSpec.Mss => a.Kind == 2 && a.Data.Length == 2 && (a.Data[0] << 8 | a.Data[1]) == e.Value,
                TcpOptionKindSpec.WindowScale => a.Kind == 3 && a.Data.Length == 1 && a.Data[0] == e.Value,
                TcpOptionKindSpec.SackPermitted => a.Kind == 4 && a.Data.Length == 0,
                TcpOptionKindSpec.Sack => a.Kind == 5 && a.Data.Length == 8 * e.Blocks!.Count
                    && e.Blocks.Select((b, k) => c.ScriptRemote(a.U32(8 * k)) == unchecked((uint)b.Left) && c.ScriptRemote(a.U32(8 * k + 4)) == unchecked((uint)b.Right)).All(x => x),
                TcpOptionKindSpec.Timestamp => a.Kind == 8 && a.Data.Length == 8 && TsValOk(e, a, c, config),
                TcpOptionKindSpec.Md5 => a.Kind == 19,
                _ => a.Kind is 34 or 254,
            };
            if (!same)
                Fail($"TCP option {i + 1}: expected {e}, actual {a.Describe(v => c.ScriptRemote(v))}");
        }
    }

    private static bool TsValOk(TcpOptionSpec e, RawTcpOption a, ScriptConnection c, DrillConfig config)
    {
        if (config.TsTickMicros == 0 || c.FirstTs is not { } f)
            return true;
        long mapped = unchecked((uint)(f.Script + (a.U32(0) - f.Live)));
        return Math.Abs(mapped - e.Value) * config.TsTickMicros <= config.ToleranceMicros;
    }

    /// <summary>Remembers which live TS val stands for the script's, so that later inbound TS ecr values can be mapped.</summary>
    private static void MapTimestamps(PacketAction p, SeenSegment s, ScriptConnection c)
    {
        var ts = p.Options?.FirstOrDefault(o => o.Kind == TcpOptionKindSpec.Timestamp);
        int k = s.Options.FindIndex(o => o.Kind == 8 && o.Data.Length == 8);
        if (ts is null || k < 0)
            return;
        uint live = s.Options[k].U32(0);
        c.TsValMap[(uint)ts.Value] = live;
        c.FirstTs ??= ((uint)ts.Value, live);
    }
}
