using System.Globalization;
using SynAck.Analysis.Conversations;

namespace SynAck.Analysis.Tests.Corpus;

/// <summary>
/// Runs tshark once per capture (two passes, so completeness is final on every frame) and groups its TCP frames by
/// <c>tcp.stream</c>. With <c>SYNACK_TSHARK_CACHE</c> set to a folder outside the repository, tshark's output is kept
/// there between runs (a developer's loop); CI sets nothing and runs tshark every time.
/// </summary>
internal static class TsharkCorpusReader
{
    private static readonly string[] Fields = ["frame.number", "tcp.stream", "tcp.completeness",
        .. ExpertCounts.AllFlags.Select(f => "tcp.analysis." + ExpertCounts.WiresharkName(f))];

    public static Dictionary<long, CorpusStream> Read(string capture)
    {
        string? cache = Environment.GetEnvironmentVariable("SYNACK_TSHARK_CACHE");
        string? cached = cache is null ? null : Path.Combine(cache, Path.GetFileName(capture) + ".fields");
        string text;
        if (cached is not null && File.Exists(cached))
        {
            text = File.ReadAllText(cached);
        }
        else
        {
            List<string> args = ["-2", "-n", "-r", capture, "-T", "fields", "-E", "separator=|", "-E", "occurrence=f"];
            foreach (var f in Fields)
                args.AddRange(["-e", f]);
            // A damaged capture makes tshark exit non-zero after printing what it read: that output is still the answer.
            (_, text, _) = ExternalProcess.Run(TimeSpan.FromSeconds(300), "tshark", [.. args]);
            if (cached is not null)
            {
                Directory.CreateDirectory(cache!);
                File.WriteAllText(cached, text);
            }
        }
        return Parse(text);
    }

    private static Dictionary<long, CorpusStream> Parse(string text)
    {
        var streams = new Dictionary<long, CorpusStream>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('|');
            if (f.Length < 3 || f[1].Length == 0)
                continue;
            long frame = long.Parse(f[0], CultureInfo.InvariantCulture);
            long stream = long.Parse(f[1], CultureInfo.InvariantCulture);
            int completeness = f[2].Length == 0 ? 0 : int.Parse(f[2], CultureInfo.InvariantCulture);
            if (!streams.TryGetValue(stream, out var s))
                streams[stream] = s = new CorpusStream(frame, completeness, new int[ExpertCounts.AllFlags.Count]);
            for (int i = 0; i < ExpertCounts.AllFlags.Count; i++)
            {
                if (f.Length > 3 + i && f[3 + i].Length > 0)
                    s.Flags[i]++;
            }
        }
        return streams;
    }
}
