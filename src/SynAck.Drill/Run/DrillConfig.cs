using SynAck.Drill.Syntax;
using SynAck.Wire;

namespace SynAck.Drill.Run;

/// <summary>
/// packetdrill's command-line options as a script or the caller sets them: tolerance, IP version, addresses,
/// ports, strict segments, TS tick. Defaults are packetdrill's (config.c): 4 ms tolerance, port 8080,
/// 192.168.0.1 for the system under test and 192.0.2.1 for the script's side.
/// </summary>
public sealed class DrillConfig
{
    public long ToleranceMicros { get; set; } = 4000;

    public bool Ipv6 { get; set; }

    public string? LocalIp { get; set; }

    public string? RemoteIp { get; set; }

    public int BindPort { get; set; } = 8080;

    public int ConnectPort { get; set; } = 8080;

    public bool StrictSegments { get; set; }

    public long TsTickMicros { get; set; }

    internal IpAddress Local => IpAddress.Parse(LocalIp ?? (Ipv6 ? "fd3d:fa7b:d17d::1" : "192.168.0.1"));

    internal IpAddress Remote => IpAddress.Parse(RemoteIp ?? (Ipv6 ? "2001:db8::1" : "192.0.2.1"));

    /// <summary>Applies the script's <c>--options</c> over this configuration (a copy).</summary>
    internal DrillConfig With(IReadOnlyList<ScriptOption> options)
    {
        var c = (DrillConfig)MemberwiseClone();
        foreach (var o in options)
        {
            string v = o.Value ?? "";
            switch (o.Name)
            {
                case "tolerance_usecs":
                    c.ToleranceMicros = long.Parse(v, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "ip_version":
                    c.Ipv6 = v switch
                    {
                        "ipv4" => false,
                        "ipv6" => true,
                        _ => throw new DrillUnsupported(o.Line, $"--ip_version={v}"),
                    };
                    break;
                case "local_ip":
                    c.LocalIp = v;
                    break;
                case "remote_ip":
                    c.RemoteIp = v;
                    break;
                case "bind_port":
                    c.BindPort = int.Parse(v, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "connect_port":
                    c.ConnectPort = int.Parse(v, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case "strict_segments":
                    c.StrictSegments = true;
                    break;
                case "tcp_ts_tick_usecs":
                    c.TsTickMicros = long.Parse(v, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new DrillUnsupported(o.Line, $"option --{o.Name}");
            }
        }
        if (c.LocalIp is not null && !IpAddress.TryParse(c.LocalIp, out _))
            throw new DrillUnsupported(0, $"--local_ip={c.LocalIp}");
        return c;
    }
}
