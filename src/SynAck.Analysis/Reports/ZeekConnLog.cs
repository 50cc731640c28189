using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SynAck.Analysis.Conversations;

namespace SynAck.Analysis.Reports;

/// <summary>
/// Writes connections as Zeek's <c>conn.log</c> in its TSV form (the <c>#separator</c>, <c>#fields</c>,
/// <c>#types</c> header, one row per connection, <c>#close</c>), so <c>zeek-cut</c> and tooling built for Zeek
/// read it. Columns SynAck does not know (<c>service</c>, <c>local_orig</c>...) are unset (<c>-</c>); the
/// Community ID is the last column, as Zeek's community-id package adds it.
/// </summary>
public sealed class ZeekConnLog : IDisposable
{
    private static readonly string[] Fields =
    [
        "ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration", "orig_bytes", "resp_bytes",
        "conn_state", "local_orig", "local_resp", "missed_bytes", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes",
        "tunnel_parents", "community_id",
    ];

    private static readonly string[] Types =
    [
        "time", "string", "addr", "port", "addr", "port", "enum", "string", "interval", "count", "count",
        "string", "bool", "bool", "count", "string", "count", "count", "count", "count",
        "set[string]", "string",
    ];

    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    private readonly TextWriter _out;
    private readonly bool _leaveOpen;
    private bool _closed;

    /// <param name="output">Where the log goes.</param>
    /// <param name="opened">The time written in <c>#open</c> and <c>#close</c> (Zeek writes the wall clock).</param>
    /// <param name="leaveOpen">Keep <paramref name="output"/> open after <see cref="Dispose"/>.</param>
    public ZeekConnLog(TextWriter output, DateTimeOffset opened, bool leaveOpen = false)
    {
        _out = output;
        _leaveOpen = leaveOpen;
        Opened = opened;
        _out.Write("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n");
        _out.Write($"#open\t{Stamp(opened)}\n");
        _out.Write("#fields\t" + string.Join('\t', Fields) + "\n");
        _out.Write("#types\t" + string.Join('\t', Types) + "\n");
    }

    public DateTimeOffset Opened { get; }

    /// <summary>One row.</summary>
    public void Write(TcpConnection c)
    {
        var inv = CultureInfo.InvariantCulture;
        var ts = (c.Start.Nanoseconds / 1000).ToString(inv);
        ts = ts.Length > 6 ? ts[..^6] + "." + ts[^6..] : "0." + ts.PadLeft(6, '0');
        long durationUs = (c.End.Nanoseconds - c.Start.Nanoseconds) / 1000;
        string duration = durationUs > 0 ? (durationUs / 1_000_000m).ToString("0.000000", inv) : "-";
        bool single = c.OriginatorPackets + c.ResponderPackets <= 1;
        string[] row =
        [
            ts, Uid(c), c.Originator.Address.ToString(), c.Originator.Port.ToString(inv), c.Responder.Address.ToString(),
            c.Responder.Port.ToString(inv), "tcp", "-", duration,
            single ? "-" : c.ZeekOriginatorBytes.ToString(inv), single ? "-" : c.ZeekResponderBytes.ToString(inv),
            c.ConnState, "-", "-", c.MissedBytes.ToString(inv), c.History.Length == 0 ? "-" : c.History,
            c.OriginatorPackets.ToString(inv), c.OriginatorIpBytes.ToString(inv), c.ResponderPackets.ToString(inv), c.ResponderIpBytes.ToString(inv),
            c.Tunnel is { } t && TunnelUid(t) is { } parent ? parent : "(empty)", CommunityId.Of(c),
        ];
        _out.Write(string.Join('\t', row));
        _out.Write('\n');
    }

    /// <summary>Writes <c>#close</c>; the log is complete.</summary>
    public void Close()
    {
        if (_closed)
            return;
        _closed = true;
        _out.Write($"#close\t{Stamp(Opened)}\n");
        _out.Flush();
    }

    public void Dispose()
    {
        Close();
        if (!_leaveOpen)
            _out.Dispose();
    }

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd-HH-mm-ss", CultureInfo.InvariantCulture);

    /// <summary>A Zeek-like uid ("C" and 17 base-62 digits), derived from the flow and its stream number so a capture always gives the same ones.</summary>
    private static string Uid(TcpConnection c)
        => UidOf(FormattableString.Invariant($"{CommunityId.Of(c)}/{c.Stream}/{c.Start.Nanoseconds}"));

    /// <summary>
    /// The uid standing for the tunnel in <c>tunnel_parents</c>. Zeek puts there the uid of the connection that
    /// encapsulates this one — the innermost tunnel carried by IP (the UDP flow between two VXLAN or GTP endpoints,
    /// the pair of hosts of an IP-in-IP or GRE tunnel) — and not VLAN tags or MPLS labels. SynAck derives it from that
    /// tunnel's kind and outer address pair (in a fixed order), so every connection through one tunnel names the
    /// same parent; null when no tunnel carried by IP was passed.
    /// </summary>
    internal static string? TunnelUid(ConnectionTunnel tunnel)
    {
        if (tunnel.InnermostIpTunnel is not { } l)
            return null;
        string a = l.OuterSource.ToString(), b = l.OuterDestination.ToString();
        if (string.CompareOrdinal(a, b) > 0)
            (a, b) = (b, a);
        return UidOf($"tunnel/{l.Name}/{a}/{b}");
    }

    private static string UidOf(string text)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        var sb = new StringBuilder("C", 18);
        for (int i = 0; i < 17; i++)
            sb.Append(Base62[hash[i] % 62]);
        return sb.ToString();
    }
}
