using SynAck.Analysis.Conversations;
using SynAck.Capture;

namespace SynAck.Analysis.Tests.Corpus;

/// <summary>One capture of the corpus analysed by SynAck and by tshark, and how the two compare.</summary>
internal sealed class CorpusFileResult
{
    public required string File { get; init; }

    public required Dictionary<long, CorpusStream> Tshark { get; init; }

    /// <summary>SynAck's streams keyed by their first frame.</summary>
    public required Dictionary<long, CorpusStream> SynAck { get; init; }

    public required bool NothingDecodable { get; init; }

    public int SynAckStreamCount { get; init; }

    public bool HasTcp => Tshark.Count > 0;

    public bool StreamCountEqual => Tshark.Count == SynAckStreamCount;

    /// <summary>tshark's streams whose first frame starts a SynAck stream with the same completeness / expert counts.</summary>
    public int CompletenessEqual => Tshark.Values.Count(t => SynAck.TryGetValue(t.FirstFrame, out var o) && o.Completeness == t.Completeness);

    public int FlagsEqual => Tshark.Values.Count(t => SynAck.TryGetValue(t.FirstFrame, out var o) && o.SameFlags(t));

    public bool AllEqual => StreamCountEqual && CompletenessEqual == Tshark.Count && FlagsEqual == Tshark.Count;

    /// <summary>What differs, in one line.</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (!StreamCountEqual)
            parts.Add($"streams tshark {Tshark.Count} SynAck {SynAckStreamCount}");
        foreach (var t in Tshark.Values)
        {
            if (!SynAck.TryGetValue(t.FirstFrame, out var o))
            {
                parts.Add($"no SynAck stream from frame {t.FirstFrame}");
                continue;
            }
            if (o.Completeness != t.Completeness)
                parts.Add($"frame {t.FirstFrame}: completeness tshark {t.Completeness} SynAck {o.Completeness}");
            for (int i = 0; i < t.Flags.Length; i++)
            {
                if (t.Flags[i] != o.Flags[i])
                    parts.Add($"frame {t.FirstFrame}: {ExpertCounts.WiresharkName(ExpertCounts.AllFlags[i])} tshark {t.Flags[i]} SynAck {o.Flags[i]}");
            }
        }
        return string.Join("; ", parts.Take(6)) + (parts.Count > 6 ? $"; ... ({parts.Count} differences)" : "");
    }

    /// <summary>Reads the capture with SynAck in process.</summary>
    public static (Dictionary<long, CorpusStream> Streams, int Count, bool NothingDecodable) AnalyzeWithSynAck(string path)
    {
        var streams = new Dictionary<long, CorpusStream>();
        int count = 0;
        var analyzer = new ConversationAnalyzer(new AnalyzerOptions(), c =>
        {
            count++;
            streams[c.FirstFrame] = new CorpusStream(c.FirstFrame, c.Completeness, ExpertCounts.AllFlags.Select(f => c.Expert[f]).ToArray());
        });
        using var file = System.IO.File.OpenRead(path);
        using var reader = CaptureReader.Open(file);
        while (reader.TryReadNext(out var record))
            analyzer.Add(record);
        analyzer.Complete();
        return (streams, count, analyzer.NothingDecodable);
    }
}
