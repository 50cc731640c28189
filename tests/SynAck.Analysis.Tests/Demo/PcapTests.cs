using System.Globalization;
using SynAck.Analysis.Ladder;

namespace SynAck.Analysis.Tests.Demo;

/// <summary><c>synack demo --pcap</c>: tshark reads the file, and its frames and timestamps are the ladder's segments.</summary>
public sealed class PcapTests
{
    [Theory]
    [InlineData("lifecycle")]
    [InlineData("lost-final-ack")]
    [InlineData("old-duplicate-syn")]
    public void TsharkSeesTheLaddersSegmentsAtTheirTimes(string scenario)
    {
        string tshark = Requirement.Tool("tshark");
        string dir = Directory.CreateTempSubdirectory("synack-pcap-").FullName;
        try
        {
            string pcap = Path.Combine(dir, scenario + ".pcapng");
            var (code, _, error) = SynackCli.Run("demo", scenario, "--pcap", pcap);
            Assert.True(code == 0, error);
            var run = global::SynAck.Analysis.Scenarios.ScenarioRunner.Run(scenario);
            var segments = run.Ladder.Segments.ToList();

            var (tcode, tout, terr) = ExternalProcess.Run(TimeSpan.FromSeconds(60), tshark, ["-r", pcap, "-o", "tcp.relative_sequence_numbers:TRUE", "-T", "fields", "-E", "separator=/t",
                "-e", "frame.time_epoch", "-e", "ip.src", "-e", "tcp.flags", "-e", "tcp.seq", "-e", "tcp.ack", "-e", "tcp.len", "-e", "tcp.checksum.status"]);
            Assert.True(tcode == 0, terr);
            var frames = tout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
            Assert.Equal(segments.Count, frames.Count);
            for (int i = 0; i < frames.Count; i++)
            {
                var f = frames[i];
                var s = segments[i];
                // Virtual time starts at the Unix epoch: frame.time_epoch is the ladder's time in seconds.
                decimal epoch = decimal.Parse(f[0], CultureInfo.InvariantCulture);
                Assert.Equal((decimal)(s.At - run.Ladder.Start).Nanoseconds / 1_000_000_000m, epoch);
                Assert.Equal(s.From == LadderSide.Left ? "198.18.0.1" : "198.18.0.2", f[1]);
                Assert.Equal((int)s.Segment.Flags, Convert.ToInt32(f[2], 16) & 0xFF);
                Assert.Equal(s.Segment.Length, int.Parse(f[5], CultureInfo.InvariantCulture));
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
