using SynAck.Analysis.Tests.Conversations;
using SynAck.Cli.Commands;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Reports;

/// <summary>The HTML report in headless Chromium: it renders (a non-blank screenshot) and logs no script errors.</summary>
public sealed class HtmlChromiumTests
{
    [Fact]
    public void The_report_renders_in_headless_chromium_without_console_errors()
    {
        Requirement.Tools("/usr/bin/chromium");
        var dir = Directory.CreateTempSubdirectory("synack-html-").FullName;
        try
        {
            var pcap = new SyntheticCapture().Handshake().Add(30, true, TcpFlags.Fin | TcpFlags.Ack, 1001, 5001)
                .Add(31, false, TcpFlags.Fin | TcpFlags.Ack, 5001, 1002).Add(32, true, TcpFlags.Ack, 1002, 5002).Save();
            var html = Path.Combine(dir, "report.html");
            Assert.Equal(0, AnalyzeCommand.Invoke([pcap, "--html", html], TextWriter.Null, TextWriter.Null));
            File.Delete(pcap);
            var png = Path.Combine(dir, "shot.png");
            var (code, stdout, stderr) = ExternalProcess.Run(TimeSpan.FromSeconds(90), "/usr/bin/chromium",
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + Path.Combine(dir, "profile"),
                "--enable-logging=stderr", "--v=0", "--screenshot=" + png, "--window-size=1200,900", "file://" + html);
            Assert.True(File.Exists(png), $"no screenshot (exit {code}): {stderr}");
            string log = stdout + stderr;
            Assert.DoesNotContain("Uncaught", log, StringComparison.Ordinal);
            Assert.DoesNotContain("ERROR:CONSOLE", log, StringComparison.Ordinal);
            var bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 10_000, $"screenshot of {bytes.Length} bytes looks blank");
            // A blank page compresses to almost nothing; many distinct byte values mean drawn content.
            Assert.True(bytes.Skip(100).Distinct().Count() > 200);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
