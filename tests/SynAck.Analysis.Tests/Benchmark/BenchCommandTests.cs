using SynAck.Analysis.Tests.Conversations;
using SynAck.Cli.Commands;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Benchmark;

/// <summary><c>synack bench analyze</c> run in process on small sizes (the 1 GiB run is for people, not CI).</summary>
public sealed class BenchCommandTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Generating_and_analysing_reports_throughput_connections_and_peak_memory_and_removes_the_file()
    {
        var before = Directory.GetFiles(Path.GetTempPath(), "synack-bench-*.pcap").Length;
        var (code, output, error) = Run("bench", "analyze", "--size", "2MiB", "--seed", "3");
        Assert.True(code == 0, error);
        Assert.Contains("generated 2.", output, StringComparison.Ordinal);
        Assert.Matches(@"analysed [\d.]+ MiB in [\d.]+ s: \d+ MB/s", output);
        Assert.Matches(@"connections: [\d,]+ \(at most [\d,]+ followed at once\)", output);
        Assert.Matches(@"peak memory: working set \d+ MiB", output);
        Assert.Equal(before, Directory.GetFiles(Path.GetTempPath(), "synack-bench-*.pcap").Length);
    }

    [Fact]
    public void A_given_file_is_analysed_as_it_is()
    {
        var path = new SyntheticCapture().Handshake().Add(30, true, TcpFlags.Fin | TcpFlags.Ack, 1001, 5001)
            .Add(31, false, TcpFlags.Fin | TcpFlags.Ack, 5001, 1002).Add(32, true, TcpFlags.Ack, 1002, 5002).Save();
        try
        {
            var (code, output, error) = Run("bench", "analyze", "--file", path);
            Assert.True(code == 0, error);
            Assert.DoesNotContain("generated", output, StringComparison.Ordinal);
            Assert.Contains("connections: 1 ", output, StringComparison.Ordinal);
            Assert.Contains("6 frames", output, StringComparison.Ordinal);
            Assert.True(File.Exists(path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("--size", "lots")]
    [InlineData("--size", "0")]
    [InlineData("--file", "/nonexistent/capture.pcap")]
    public void Bad_input_is_one_line_and_exit_code_2(string option, string value)
    {
        var (code, _, error) = Run("bench", "analyze", option, value);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("100 MiB", 100L << 20)]
    [InlineData("500MB", 500_000_000L)]
    [InlineData("2G", 2L << 30)]
    [InlineData("1.5KiB", 1536L)]
    [InlineData("12345", 12345L)]
    public void Sizes_read_binary_and_decimal_units(string text, long bytes)
    {
        Assert.True(BenchCommand.TryParseSize(text, out long parsed));
        Assert.Equal(bytes, parsed);
    }
}
