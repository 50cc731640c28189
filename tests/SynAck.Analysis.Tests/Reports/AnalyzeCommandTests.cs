using System.Text.Json;
using System.Text.Json.Nodes;
using SynAck.Analysis.Tests.Conversations;
using SynAck.Cli.Commands;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Reports;

/// <summary>The `synack analyze` command run in process: outputs, exit codes, damaged and missing files.</summary>
public sealed class AnalyzeCommandTests
{
    private static string Capture()
        => new SyntheticCapture().Handshake().Add(30, true, TcpFlags.Psh | TcpFlags.Ack, 1001, 5001, length: 10)
            .Add(31, false, TcpFlags.Fin | TcpFlags.Ack, 5001, 1011).Add(32, true, TcpFlags.Fin | TcpFlags.Ack, 1011, 5002)
            .Add(33, false, TcpFlags.Ack, 5002, 1012)
            .Add(2000, true, TcpFlags.Syn, 7000, 0, clientPort: 40001).Add(2001, false, TcpFlags.Rst | TcpFlags.Ack, 0, 7001, clientPort: 40001)
            .Save();

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = AnalyzeCommand.Invoke(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void The_table_lists_each_connection_with_its_state_and_the_summary()
    {
        var path = Capture();
        var (code, output, _) = Run(path);
        Assert.Equal(0, code);
        Assert.Contains("SF", output, StringComparison.Ordinal);
        Assert.Contains("REJ", output, StringComparison.Ordinal);
        Assert.Contains("FIN close by responder", output, StringComparison.Ordinal);
        Assert.Contains("refused", output, StringComparison.Ordinal);
        Assert.Contains("TIME_WAIT holder", output, StringComparison.Ordinal);
        File.Delete(path);
    }

    [Fact]
    public void Json_follows_the_documented_schema()
    {
        var path = Capture();
        var (code, output, _) = Run(path, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal("synack.analyze/1", root.GetProperty("schema").GetString());
        var conns = root.GetProperty("connections").EnumerateArray().OrderBy(c => c.GetProperty("stream").GetInt64()).ToList();
        Assert.Equal(2, conns.Count);
        Assert.Equal("SF", conns[0].GetProperty("zeek").GetProperty("conn_state").GetString());
        Assert.Equal("responder", conns[0].GetProperty("close").GetProperty("active_closer").GetString());
        Assert.True(conns[0].GetProperty("close").GetProperty("final_ack_seen").GetBoolean());
        Assert.Equal(31, conns[0].GetProperty("wireshark").GetProperty("completeness").GetInt32());
        Assert.Equal("rst", conns[1].GetProperty("end").GetProperty("kind").GetString());
        Assert.Equal("handshake", conns[1].GetProperty("end").GetProperty("reset").GetProperty("phase").GetString());
        Assert.Equal(2, root.GetProperty("summary").GetProperty("connections").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
        File.Delete(path);
    }

    [Fact]
    public void Stream_draws_the_ladder_of_that_connection()
    {
        var path = Capture();
        var (code, output, _) = Run(path, "--stream", "1");
        Assert.Equal(0, code);
        Assert.Contains("tcp.stream 1", output, StringComparison.Ordinal);
        Assert.Contains("RST,ACK", output, StringComparison.Ordinal);
        Assert.Contains("SYN-SENT", output, StringComparison.Ordinal);
        Assert.Equal(2, Run(path, "--stream", "9").Code);
        File.Delete(path);
    }

    [Fact]
    public void A_damaged_capture_reports_the_offset_keeps_what_came_before_and_exits_3()
    {
        var path = Capture();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 20)]);
        var (code, output, err) = Run(path, "--json");
        Assert.Equal(3, code);
        Assert.Matches(@"capture damaged at byte offset \d+: ", err);
        using var doc = JsonDocument.Parse(output);
        Assert.Equal(2, doc.RootElement.GetProperty("connections").GetArrayLength());
        Assert.True(doc.RootElement.GetProperty("error").GetProperty("offset").GetInt64() > 0);
        File.Delete(path);
    }

    [Fact]
    public void A_missing_file_or_an_unknown_option_is_one_line_and_exit_2()
    {
        var (code, _, err) = Run("/nonexistent/x.pcap");
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        var path = Capture();
        (code, _, err) = Run(path, "--bogus");
        Assert.Equal(2, code);
        Assert.Contains("--bogus", err, StringComparison.Ordinal);
        Assert.Single(err.Trim().Split('\n'));
        File.Delete(path);
    }

    [Fact]
    public void Html_is_self_contained_and_embeds_each_connection_with_its_segments_once()
    {
        var path = Capture();
        var html = Path.ChangeExtension(path, ".html");
        var (code, _, _) = Run(path, "--html", html);
        Assert.Equal(0, code);
        var text = File.ReadAllText(html);
        const string open = "<script type=\"application/json\" id=\"data\">";
        int start = text.IndexOf(open, StringComparison.Ordinal) + open.Length;
        var data = JsonNode.Parse(text[start..text.IndexOf("</script>", start, StringComparison.Ordinal)])!;
        var connections = data["c"]!.AsArray();
        Assert.Equal(2, connections.Count);
        Assert.Equal(7, connections[0]![17]!.AsArray().Count);
        Assert.Equal(2, connections[1]![17]!.AsArray().Count);
        Assert.Contains("<table id=\"time-wait\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", text.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", text, StringComparison.Ordinal);
        File.Delete(path);
        File.Delete(html);
    }
}
