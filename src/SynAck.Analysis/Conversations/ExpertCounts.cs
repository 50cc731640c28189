using System.Numerics;

namespace SynAck.Analysis.Conversations;

/// <summary>How many segments of a connection carried each Wireshark expert verdict, and (when asked for) which frames.</summary>
public sealed class ExpertCounts
{
    /// <summary>Every single flag, in the order reports list them.</summary>
    public static IReadOnlyList<TcpExpertFlags> AllFlags { get; } =
    [
        TcpExpertFlags.Retransmission, TcpExpertFlags.FastRetransmission, TcpExpertFlags.SpuriousRetransmission,
        TcpExpertFlags.OutOfOrder, TcpExpertFlags.PreviousSegmentNotCaptured, TcpExpertFlags.AckedUnseenSegment,
        TcpExpertFlags.DuplicateAck, TcpExpertFlags.ZeroWindow, TcpExpertFlags.ZeroWindowProbe,
        TcpExpertFlags.ZeroWindowProbeAck, TcpExpertFlags.KeepAlive, TcpExpertFlags.KeepAliveAck,
        TcpExpertFlags.WindowUpdate, TcpExpertFlags.WindowFull, TcpExpertFlags.ReusedPorts,
    ];

    private readonly int[] _counts = new int[16];
    private readonly List<long>?[]? _frames;
    private readonly int _frameLimit;

    internal ExpertCounts(int frameLimit)
    {
        _frameLimit = frameLimit;
        if (frameLimit > 0)
            _frames = new List<long>?[16];
    }

    /// <summary>The number of segments that carried <paramref name="flag"/> (a single flag).</summary>
    public int this[TcpExpertFlags flag] => _counts[Index(flag)];

    /// <summary>Segments with at least one verdict (Wireshark's <c>tcp.analysis.flags</c>).</summary>
    public int FlaggedSegments { get; private set; }

    /// <summary>Sum over all flags.</summary>
    public int Total => _counts.Sum();

    /// <summary>Frame numbers that carried <paramref name="flag"/>, when frame recording was on (up to its limit).</summary>
    public IReadOnlyList<long> Frames(TcpExpertFlags flag) => _frames?[Index(flag)] ?? (IReadOnlyList<long>)[];

    /// <summary>The Wireshark field name for one flag: "retransmission", "lost_segment", ...</summary>
    public static string WiresharkName(TcpExpertFlags flag) => flag switch
    {
        TcpExpertFlags.Retransmission => "retransmission",
        TcpExpertFlags.FastRetransmission => "fast_retransmission",
        TcpExpertFlags.SpuriousRetransmission => "spurious_retransmission",
        TcpExpertFlags.OutOfOrder => "out_of_order",
        TcpExpertFlags.PreviousSegmentNotCaptured => "lost_segment",
        TcpExpertFlags.AckedUnseenSegment => "ack_lost_segment",
        TcpExpertFlags.DuplicateAck => "duplicate_ack",
        TcpExpertFlags.ZeroWindow => "zero_window",
        TcpExpertFlags.ZeroWindowProbe => "zero_window_probe",
        TcpExpertFlags.ZeroWindowProbeAck => "zero_window_probe_ack",
        TcpExpertFlags.KeepAlive => "keep_alive",
        TcpExpertFlags.KeepAliveAck => "keep_alive_ack",
        TcpExpertFlags.WindowUpdate => "window_update",
        TcpExpertFlags.WindowFull => "window_full",
        TcpExpertFlags.ReusedPorts => "reused_ports",
        _ => throw new ArgumentOutOfRangeException(nameof(flag), flag, "one flag expected"),
    };

    internal void Add(TcpExpertFlags flags, long frame)
    {
        if (flags == TcpExpertFlags.None)
            return;
        FlaggedSegments++;
        uint bits = (uint)flags;
        while (bits != 0)
        {
            int i = BitOperations.TrailingZeroCount(bits);
            bits &= bits - 1;
            _counts[i]++;
            if (_frames is not null)
            {
                var list = _frames[i] ??= [];
                if (list.Count < _frameLimit)
                    list.Add(frame);
            }
        }
    }

    private static int Index(TcpExpertFlags flag)
    {
        if (flag == TcpExpertFlags.None || !BitOperations.IsPow2((uint)flag))
            throw new ArgumentOutOfRangeException(nameof(flag), flag, "one flag expected");
        return BitOperations.TrailingZeroCount((uint)flag);
    }
}
