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

    /// <summary>
    /// Reads the capture with SynAck in process. SynAck's records are Zeek's connections; those that share a
    /// Wireshark conversation share its stream number, so they are merged into one stream here: its first frame,
    /// the completeness of its last record (the bits accumulate over the stream) and the sum of the expert counts.
    /// </summary>
    public static (Dictionary<long, CorpusStream> Streams, int Count, bool NothingDecodable) AnalyzeWithSynAck(string path)
    {
        var byStream = new Dictionary<long, (long First, long Last, int Completeness, int[] Flags)>();
        var analyzer = new ConversationAnalyzer(new AnalyzerOptions(), c =>
        {
            var flags = ExpertCounts.AllFlags.Select(f => c.Expert[f]).ToArray();
            if (byStream.TryGetValue(c.Stream, out var s))
            {
                for (int i = 0; i < flags.Length; i++)
                    flags[i] += s.Flags[i];
                byStream[c.Stream] = (Math.Min(s.First, c.FirstFrame), Math.Max(s.Last, c.LastFrame),
                    c.LastFrame >= s.Last ? c.Completeness : s.Completeness, flags);
            }
            else
            {
                byStream[c.Stream] = (c.FirstFrame, c.LastFrame, c.Completeness, flags);
            }
        });
        using var file = System.IO.File.OpenRead(path);
        using var reader = CaptureReader.Open(file);
        while (reader.TryReadNext(out var record))
            analyzer.Add(record);
        analyzer.Complete();
        var streams = byStream.Values.ToDictionary(s => s.First, s => new CorpusStream(s.First, s.Completeness, s.Flags));
        return (streams, byStream.Count, analyzer.NothingDecodable);
    }
}
