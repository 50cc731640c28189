using SynAck.Analysis.Conversations;
using SynAck.Analysis.Tests.Conversations;
using SynAck.Cli.Commands;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Reports;

/// <summary><c>--zeek-conn-log</c> read back the way <c>zeek-cut</c> reads a Zeek log: header lines, #fields and #types, rows, #close.</summary>
public sealed class ZeekConnLogTests
{
    /// <summary>A zeek-cut-style reader: the separator from #separator, columns named by #fields, and a log complete only with #close.</summary>
    private static (Dictionary<string, string> Header, string[] Fields, string[] Types, List<Dictionary<string, string>> Rows, bool Closed) Parse(string log)
    {
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("#separator ", lines[0], StringComparison.Ordinal);
        char separator = (char)Convert.ToInt32(lines[0]["#separator \\x".Length..], 16);
        var header = new Dictionary<string, string>();
        string[] fields = [], types = [];
        var rows = new List<Dictionary<string, string>>();
        bool closed = false;
        foreach (var line in lines.Skip(1))
        {
            var parts = line.Split(separator);
            if (line.StartsWith('#'))
            {
                var key = parts[0][1..];
                header[key] = string.Join(separator, parts.Skip(1));
                if (key == "fields")
                    fields = parts[1..];
                else if (key == "types")
                    types = parts[1..];
                else if (key == "close")
                    closed = true;
                continue;
            }
            Assert.False(closed, "a row after #close");
            Assert.Equal(fields.Length, parts.Length);
            rows.Add(fields.Zip(parts).ToDictionary(p => p.First, p => p.Second));
        }
        return (header, fields, types, rows, closed);
    }

    [Fact]
    public void The_log_has_zeeks_header_one_row_per_connection_and_a_close_line()
    {
        var path = new SyntheticCapture().Handshake().Add(30, true, TcpFlags.Psh | TcpFlags.Ack, 1001, 5001, length: 10)
            .Add(31, false, TcpFlags.Fin | TcpFlags.Ack, 5001, 1011).Add(32, true, TcpFlags.Fin | TcpFlags.Ack, 1011, 5002)
            .Add(33, false, TcpFlags.Ack, 5002, 1012)
            .Add(2000, true, TcpFlags.Syn, 7000, 0, clientPort: 40001).Add(2001, false, TcpFlags.Rst | TcpFlags.Ack, 0, 7001, clientPort: 40001)
            .Save();
        try
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            Assert.Equal(0, AnalyzeCommand.Invoke([path, "--zeek-conn-log", "-"], stdout, stderr));
            var (header, fields, types, rows, closed) = Parse(stdout.ToString());
            Assert.True(closed);
            Assert.Equal("conn", header["path"]);
            Assert.Equal("-", header["unset_field"]);
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$", header["open"]);
            Assert.Equal(fields.Length, types.Length);
            Assert.Equal("time", types[Array.IndexOf(fields, "ts")]);
            Assert.Equal("addr", types[Array.IndexOf(fields, "id.orig_h")]);
            Assert.Equal("port", types[Array.IndexOf(fields, "id.resp_p")]);
            Assert.Equal(2, rows.Count);
            var sf = rows.Single(r => r["conn_state"] == "SF");
            Assert.Equal("10.0.0.1", sf["id.orig_h"]);
            Assert.Equal("40000", sf["id.orig_p"]);
            Assert.Equal("80", sf["id.resp_p"]);
            Assert.Equal("tcp", sf["proto"]);
            Assert.Equal("10", sf["orig_bytes"]);
            Assert.Equal("1700000000.000000", sf["ts"]);
            Assert.Equal("0.033000", sf["duration"]);
            Assert.Matches("^C[0-9A-Za-z]{17}$", sf["uid"]);
            Assert.Equal(CommunityId.Compute(SyntheticCapture.Client, 40000, SyntheticCapture.Server, 80), sf["community_id"]);
            Assert.Equal("REJ", rows.Single(r => r["id.orig_p"] == "40001")["conn_state"]);
            Assert.NotEqual(rows[0]["uid"], rows[1]["uid"]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
