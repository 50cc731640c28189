using System.Text.Json;
using SynAck.Analysis.Tests.Conversations;
using SynAck.Cli.Commands;
using SynAck.Wire;
using static SynAck.Analysis.Tests.Conversations.TunnelCapture;

namespace SynAck.Analysis.Tests.Reports;

/// <summary>The tunnel a connection rode, as <c>--json</c>, <c>--zeek-conn-log</c> and the table show it.</summary>
public sealed class TunnelReportTests
{
    private static readonly IpAddress VtepA = IpAddress.V4(192, 0, 2, 1), VtepB = IpAddress.V4(192, 0, 2, 2);

    /// <summary>The same inner flow in VXLAN 100 and VXLAN 200 between the same VTEPs, then in GTP-U (TEIDs 7 up, 9 down), then plain.</summary>
    private static string Capture()
        => new TunnelCapture()
            .Handshake(ip => Vxlan(VtepA, VtepB, 100, ip), ip => Vxlan(VtepB, VtepA, 100, ip))
            .Handshake(ip => Vxlan(VtepA, VtepB, 200, ip), ip => Vxlan(VtepB, VtepA, 200, ip))
            .Handshake(ip => GtpU(VtepA, VtepB, 7, ip), ip => GtpU(VtepB, VtepA, 9, ip))
            .Handshake(Plain, Plain)
            .Save();

    private static (int Code, string Out) Run(params string[] args)
    {
        var o = new StringWriter();
        int code = AnalyzeCommand.Invoke(args, o, new StringWriter());
        return (code, o.ToString());
    }

    [Fact]
    public void Json_gives_each_connection_its_tunnel_layers_ids_and_outer_addresses_oriented_from_the_originator()
    {
        var path = Capture();
        try
        {
            var (code, output) = Run(path, "--json");
            Assert.Equal(0, code);
            using var doc = JsonDocument.Parse(output);
            var conns = doc.RootElement.GetProperty("connections").EnumerateArray().OrderBy(c => c.GetProperty("first_frame").GetInt64()).ToList();
            Assert.Equal(4, conns.Count);

            var vxlan = conns[0].GetProperty("tunnel");
            var layer = Assert.Single(vxlan.GetProperty("layers").EnumerateArray().ToList());
            Assert.Equal("vxlan", layer.GetProperty("type").GetString());
            Assert.Equal(100, layer.GetProperty("id").GetInt64());
            Assert.False(layer.TryGetProperty("responder_id", out _));
            Assert.Equal("192.0.2.1", layer.GetProperty("outer_originator").GetString());
            Assert.Equal("192.0.2.2", layer.GetProperty("outer_responder").GetString());
            Assert.Equal("vxlan 100 192.0.2.1→192.0.2.2", vxlan.GetProperty("description").GetString());
            Assert.Equal(200, conns[1].GetProperty("tunnel").GetProperty("layers")[0].GetProperty("id").GetInt64());

            var gtp = conns[2].GetProperty("tunnel").GetProperty("layers")[0];
            Assert.Equal("gtp-u", gtp.GetProperty("type").GetString());
            Assert.Equal(7, gtp.GetProperty("id").GetInt64());
            Assert.Equal(9, gtp.GetProperty("responder_id").GetInt64());

            Assert.Equal(JsonValueKind.Null, conns[3].GetProperty("tunnel").ValueKind);
            // Both VXLAN connections ride one tunnel: one Zeek parent; GTP-U between the same hosts is another tunnel.
            var uid = vxlan.GetProperty("zeek_uid").GetString();
            Assert.Matches("^C[0-9A-Za-z]{17}$", uid);
            Assert.Equal(uid, conns[1].GetProperty("tunnel").GetProperty("zeek_uid").GetString());
            Assert.NotEqual(uid, conns[2].GetProperty("tunnel").GetProperty("zeek_uid").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_zeek_log_names_the_tunnel_in_tunnel_parents_and_the_json_gives_the_same_uid()
    {
        var path = Capture();
        try
        {
            var (code, log) = Run(path, "--zeek-conn-log", "-");
            Assert.Equal(0, code);
            var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var fields = lines.Single(l => l.StartsWith("#fields\t", StringComparison.Ordinal)).Split('\t')[1..];
            var types = lines.Single(l => l.StartsWith("#types\t", StringComparison.Ordinal)).Split('\t')[1..];
            int column = Array.IndexOf(fields, "tunnel_parents");
            Assert.Equal("set[string]", types[column]);
            var rows = lines.Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')).OrderBy(r => r[0], StringComparer.Ordinal).ToList();
            Assert.Equal(4, rows.Count);

            var (_, json) = Run(path, "--json");
            using var doc = JsonDocument.Parse(json);
            var uids = doc.RootElement.GetProperty("connections").EnumerateArray().OrderBy(c => c.GetProperty("first_frame").GetInt64())
                .Select(c => c.GetProperty("tunnel") is { ValueKind: JsonValueKind.Object } t ? t.GetProperty("zeek_uid").GetString() : "(empty)").ToList();
            Assert.Equal(uids, rows.Select(r => r[column]));
            Assert.Equal("(empty)", rows[3][column]);
            // A parent is not one of the log's own connections' uids.
            Assert.DoesNotContain(rows[0][column], rows.Select(r => r[Array.IndexOf(fields, "uid")]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void The_html_report_carries_each_connections_tunnel_for_its_table_and_filter()
    {
        var path = Capture();
        var html = Path.ChangeExtension(path, ".html");
        try
        {
            Assert.Equal(0, Run(path, "--html", html).Code);
            var text = File.ReadAllText(html);
            // The compact row data ends with the tunnel's description (empty for the plain connection), which the
            // script shows under the originator and searches when filtering.
            Assert.Matches(@"""vxlan 100 192\.0\.2\.1(→|\\u2192)192\.0\.2\.2""\]", text);
            Assert.Contains("\"gtp-u 7/9 ", text, StringComparison.Ordinal);
            Assert.Contains("class=\"tunnel\"", text, StringComparison.Ordinal);
            Assert.Contains("c[19]].join", text, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
            File.Delete(html);
        }
    }

    [Fact]
    public void The_table_shows_the_tunnel_under_the_originator_only_for_tunnelled_connections()
    {
        var path = Capture();
        try
        {
            var (code, output) = Run(path);
            Assert.Equal(0, code);
            Assert.Contains("via vxlan 100", output, StringComparison.Ordinal);
            Assert.Contains("via vxlan 200", output, StringComparison.Ordinal);
            Assert.Contains("via gtp-u 7/9", output, StringComparison.Ordinal);
            Assert.Equal(3, output.Split("via ").Length - 1);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
