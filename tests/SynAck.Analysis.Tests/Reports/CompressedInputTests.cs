using System.IO.Compression;
using System.Text.Json.Nodes;
using K4os.Compression.LZ4.Streams;
using SynAck.Analysis.Tests.Conversations;
using SynAck.Cli.Commands;
using SynAck.Wire;
using ZstdSharp;

namespace SynAck.Analysis.Tests.Reports;

/// <summary><c>synack analyze</c> on gzip, zstd and lz4 captures, from a file or from stdin, says what it says of the plain file.</summary>
public sealed class CompressedInputTests
{
    private static byte[] Plain()
    {
        var cap = new SyntheticCapture();
        for (int i = 0; i < 20; i++)
        {
            ushort port = (ushort)(40000 + i);
            cap.Handshake(i * 100, clientPort: port).Add(i * 100 + 30, true, TcpFlags.Psh | TcpFlags.Ack, 1001, 5001, length: 10 + i, clientPort: port)
                .Add(i * 100 + 31, false, TcpFlags.Fin | TcpFlags.Ack, 5001, 1011 + (uint)i, clientPort: port)
                .Add(i * 100 + 32, true, TcpFlags.Fin | TcpFlags.Ack, 1011 + (uint)i, 5002, clientPort: port)
                .Add(i * 100 + 33, false, TcpFlags.Ack, 5002, 1012 + (uint)i, clientPort: port);
        }
        return cap.Bytes();
    }

    private static byte[] Compress(string kind, byte[] plain)
    {
        var ms = new MemoryStream();
        using (Stream encoder = kind switch
        {
            "gzip" => new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true),
            "zstd" => new CompressionStream(ms, leaveOpen: true),
            _ => LZ4Stream.Encode(ms, leaveOpen: true),
        })
        {
            encoder.Write(plain);
        }
        return ms.ToArray();
    }

    /// <summary>The JSON report without the file name, which differs by design.</summary>
    private static string Report(int code, string output)
    {
        Assert.Equal(0, code);
        var doc = JsonNode.Parse(output)!.AsObject();
        doc.Remove("file");
        return doc.ToJsonString();
    }

    private static (int Code, string Out) Run(string[] args, Stream? stdin = null)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = AnalyzeCommand.Invoke(args, o, e, stdin);
        return (code, o.ToString());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("zstd")]
    [InlineData("lz4")]
    public void A_compressed_file_and_the_same_bytes_on_stdin_give_the_plain_files_report(string kind)
    {
        var plain = Plain();
        var dir = Directory.CreateTempSubdirectory("synack-compressed-");
        try
        {
            var plainPath = Path.Combine(dir.FullName, "x.pcap");
            var packedPath = Path.Combine(dir.FullName, "x.pcap." + kind);
            File.WriteAllBytes(plainPath, plain);
            File.WriteAllBytes(packedPath, Compress(kind, plain));
            var expected = Report(Run([plainPath, "--json"]).Code, Run([plainPath, "--json"]).Out);
            Assert.Contains("\"SF\"", expected, StringComparison.Ordinal);
            var (code, output) = Run([packedPath, "--json"]);
            Assert.Equal(expected, Report(code, output));
            var (stdinCode, stdinOutput) = Run(["-", "--json"], new MemoryStream(File.ReadAllBytes(packedPath)));
            Assert.Equal(expected, Report(stdinCode, stdinOutput));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Gzip_piped_into_the_cli_process_reads_stdin()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "SynAck.Cli.dll");
        Requirement.Tools("gzip", "bash");
        var dir = Directory.CreateTempSubdirectory("synack-pipe-");
        try
        {
            var plainPath = Path.Combine(dir.FullName, "x.pcap");
            File.WriteAllBytes(plainPath, Plain());
            var expected = Run([plainPath, "--json"]);
            var dotnet = Requirement.Tool("dotnet");
            var (code, stdout, stderr) = ExternalProcess.Run(TimeSpan.FromSeconds(60), "bash", "-c",
                $"gzip -c '{plainPath}' | '{dotnet}' '{cli}' analyze - --json");
            Assert.True(code == 0, stderr);
            Assert.Equal(Report(expected.Code, expected.Out), Report(code, stdout));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
