using System.Globalization;
using SynAck.Analysis.Conversations;

namespace SynAck.TestSupport;

/// <summary>What tshark (two passes, so completeness is final on every frame) says about one TCP frame: the oracle for <c>synack analyze</c>.</summary>
internal sealed record TsharkExpertFrame(long Frame, long Stream, int Completeness, TcpExpertFlags Flags)
{
    public static List<TsharkExpertFrame> Read(string path)
    {
        Requirement.Tool("tshark");
        List<string> args = ["-2", "-n", "-r", path, "-Y", "tcp", "-T", "fields", "-E", "separator=\t",
            "-e", "frame.number", "-e", "tcp.stream", "-e", "tcp.completeness"];
        foreach (var flag in ExpertCounts.AllFlags)
            args.AddRange(["-e", "tcp.analysis." + ExpertCounts.WiresharkName(flag)]);
        var (code, stdout, stderr) = ExternalProcess.Run(TimeSpan.FromSeconds(120), "tshark", [.. args]);
        Assert.True(code == 0, $"tshark failed ({code}): {stderr}");
        var frames = new List<TsharkExpertFrame>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\t');
            var flags = TcpExpertFlags.None;
            // One column per expert flag after the first three; any text in it means tshark set the flag.
            for (int i = 0; i < ExpertCounts.AllFlags.Count; i++)
            {
                if (f.Length > 3 + i && f[3 + i].Length > 0)
                    flags |= ExpertCounts.AllFlags[i];
            }
            frames.Add(new TsharkExpertFrame(long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture),
                f[2].Length == 0 ? 0 : int.Parse(f[2], CultureInfo.InvariantCulture), flags));
        }
        return frames;
    }
}
