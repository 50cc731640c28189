using SynAck.Tcp;
using SynAck.Tcp.Congestion;
using SynAck.Time;

namespace SynAck.Drill.Run;

/// <summary>
/// The Linux sysctls a script sets, mapped onto <see cref="TcpSettings"/>. A sysctl names either a SynAck setting
/// (mapped), a Linux mechanism SynAck does not have whose value changes nothing SynAck does (kept as a note), or
/// something SynAck cannot express (unsupported).
/// </summary>
internal sealed class SysctlSettings
{
    private readonly Dictionary<string, string> _values = [];

    public List<string> Notes { get; } = [];

    /// <summary>TCP_MAXSEG set before the connection: SynAck's MSS follows the MTU, so the MTU is set to match.</summary>
    public int? MssClamp { get; set; }

    public bool Ipv6 { get; set; }

    /// <summary>Sets <c>net.ipv4.NAME=VALUE</c>; throws <see cref="DrillUnsupported"/> for what SynAck cannot express.</summary>
    public void Set(string name, string value, int line)
    {
        string key = name.Replace('/', '.');
        if (key.StartsWith("net.ipv4.", StringComparison.Ordinal))
            key = key["net.ipv4.".Length..];
        else if (key.StartsWith("net.core.", StringComparison.Ordinal))
            key = "core." + key["net.core.".Length..];
        value = value.Trim().Trim('"', '\'');
        switch (key)
        {
            case "tcp_rmem" or "tcp_wmem":
                if (Numbers(value).Length != 3)
                    throw new DrillUnsupported(line, $"sysctl {name}={value}");
                break;
            case "tcp_timestamps" or "tcp_sack" or "tcp_window_scaling" or "tcp_syncookies":
            case "tcp_syn_retries" or "tcp_synack_retries" or "tcp_retries2" or "tcp_fin_timeout":
                if (!long.TryParse(value, out _))
                    throw new DrillUnsupported(line, $"sysctl {name}={value}");
                break;
            case "tcp_slow_start_after_idle" or "tcp_recovery" or "tcp_early_retrans" when long.TryParse(value, out _):
                break;
            case "tcp_congestion_control" when value is "cubic" or "reno":
                break;
            case "tcp_reordering" when value == "3":
            case "tcp_ecn" when value == "0":
            case "tcp_notsent_lowat" when value == "4294967295":
            case "tcp_frto" or "tcp_dsack" or "tcp_fack" or "tcp_ecn_option" or "tcp_pacing_ss_ratio" or "tcp_pacing_ca_ratio":
            case "tcp_tso_win_divisor" or "tcp_min_tso_segs" or "tcp_fastopen" or "tcp_fastopen_key":
                Notes.Add($"{key}={value}: no SynAck equivalent (" + Reason(key) + ")");
                break;
            default:
                throw new DrillUnsupported(line, $"sysctl {name}={value}");
        }
        _values[key] = value;
    }

    private static string Reason(string key) => key switch
    {
        "tcp_tso_win_divisor" or "tcp_min_tso_segs" => "SynAck sends MSS-sized segments, no TSO; it sets PSH on them as Linux's offload packets of its default sizes would carry it",
        "tcp_fastopen" or "tcp_fastopen_key" => "SynAck has no TCP Fast Open; a script that uses it is unsupported",
        "tcp_frto" => "SynAck undoes a spurious RTO by timestamps or D-SACK (RFC 3522, RFC 3708), not by F-RTO",
        "tcp_dsack" => "SynAck always sends D-SACK (RFC 2883)",
        "tcp_fack" => "FACK is gone from Linux too; RACK replaces it",
        "tcp_ecn" or "tcp_ecn_option" => "SynAck does not negotiate ECN",
        "tcp_pacing_ss_ratio" or "tcp_pacing_ca_ratio" => "SynAck does not pace; the PSH grouping that follows Linux's offload packet sizes uses the default ratios",
        "tcp_reordering" => "SynAck's duplicate-ACK threshold is 3",
        _ => "value matches SynAck's behaviour",
    };

    private static long[] Numbers(string v)
        => v.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(s => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private long Long(string key, long fallback) => _values.TryGetValue(key, out var v) ? long.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    /// <summary>The stack settings: Linux's defaults where the script set nothing.</summary>
    public TcpSettings ToTcpSettings()
    {
        // The receive buffer is tcp_rmem's maximum: Linux derives the window scale it offers from it (RFC 7323 §2.3).
        long rcv = _values.TryGetValue("tcp_rmem", out var r) ? Numbers(r)[2] : 6 * 1024 * 1024;
        long snd = _values.TryGetValue("tcp_wmem", out var w) ? Numbers(w)[1] : 16 * 1024;
        return new TcpSettings
        {
            ReceiveBufferSize = (int)Math.Clamp(rcv, 4096, 65535L << 14),
            SendBufferSize = (int)Math.Clamp(snd, 4096, int.MaxValue / 2),
            Timestamps = Long("tcp_timestamps", 1) != 0,
            Sack = Long("tcp_sack", 1) != 0,
            WindowScaling = Long("tcp_window_scaling", 1) != 0,
            SynCookies = Long("tcp_syncookies", 1) != 0,
            SynCookiesAlways = Long("tcp_syncookies", 1) == 2,
            // Linux ACKs the first data segments of a connection at once (quick-ACK mode, TCP_MAX_QUICKACKS = 16).
            QuickAckSegments = 16,
            // Linux's tail loss probe is one segment (tcp_send_loss_probe, RFC 8985 §7.3).
            LossProbeSegments = 1,
            // Linux adds tcp_rto_min to the probe timeout whenever one packet is out (tcp_schedule_loss_probe).
            LossProbeLearnsAckDelay = false,
            // Linux's slow start counts every segment an ACK covers (tcp_slow_start), with no RFC 3465 limit.
            SlowStartAckLimit = 0,
            SynRetries = (int)Long("tcp_syn_retries", 6),
            SynAckRetries = (int)Long("tcp_synack_retries", 5),
            DataRetries = (int)Long("tcp_retries2", 15),
            FinWait2Timeout = Duration.FromSeconds(Long("tcp_fin_timeout", 60)),
            SlowStartAfterIdle = Long("tcp_slow_start_after_idle", 1) != 0,
            CongestionControl = _values.TryGetValue("tcp_congestion_control", out var cc) && cc == "reno" ? CongestionAlgorithm.NewReno : CongestionAlgorithm.Cubic,
            // tcp_recovery bit 0 is RACK loss detection; tcp_early_retrans 3 and 4 enable the tail loss probe (0-2 do not).
            Rack = (Long("tcp_recovery", 1) & 1) != 0,
            TailLossProbe = Long("tcp_early_retrans", 3) >= 3,
            Mtu = MssClamp is { } mss ? mss + (Ipv6 ? 60 : 40) : 1500,
        };
    }
}
