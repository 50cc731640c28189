using System.Globalization;
using SynAck.Analysis.Conversations;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>Runs tshark over a capture as the oracle for stream numbers, completeness and expert flags.</summary>
internal static class TsharkOracle
{
    public static IReadOnlyList<TsharkFrame> Read(string path)
    {
        ExternalTools.Require("tshark");
        var args = new List<string> { "-2", "-r", path, "-Y", "tcp", "-T", "fields", "-E", "separator=/t", "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.completeness" };
        foreach (var flag in ExpertCounts.AllFlags)
            args.AddRange(["-e", "tcp.analysis." + ExpertCounts.WiresharkName(flag)]);
        var (code, stdout, stderr) = ExternalTools.Run(TimeSpan.FromSeconds(60), "tshark", [.. args]);
        Assert.True(code == 0, "tshark failed: " + stderr);
        var frames = new List<TsharkFrame>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            var flags = TcpExpertFlags.None;
            for (int i = 0; i < ExpertCounts.AllFlags.Count; i++)
            {
                if (f.Length > 3 + i && f[3 + i].Length > 0)
                    flags |= ExpertCounts.AllFlags[i];
            }
            frames.Add(new TsharkFrame(long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture),
                f[2].Length == 0 ? 0 : int.Parse(f[2], CultureInfo.InvariantCulture), flags));
        }
        return frames;
    }
}
