using SynAck.Time;

namespace SynAck.Analysis.Ladder;

/// <summary>
/// A two-party sequence diagram of a TCP conversation: two timelines, the segments between them and each
/// side's state as it changes. Built from the engine's events (demo) or from a capture (analyze); drawn by
/// the text and SVG renderers.
/// </summary>
public sealed class LadderDiagram
{
    private readonly List<LadderEntry> _entries = [];

    public LadderDiagram(string title, string leftLabel, string rightLabel)
    {
        Title = title;
        LeftLabel = leftLabel;
        RightLabel = rightLabel;
    }

    public string Title { get; }

    public string LeftLabel { get; }

    public string RightLabel { get; }

    /// <summary>The time shown as 0 ms; the first entry's time unless set.</summary>
    public Instant? Origin { get; set; }

    /// <summary>Entries in time order; ties keep the order they were added in (the order events happened).</summary>
    public IReadOnlyList<LadderEntry> Entries => _entries;

    public IEnumerable<LadderSegment> Segments => _entries.OfType<LadderSegment>();

    public void Add(LadderEntry entry)
    {
        // Insertion keeps the list sorted and stable: entries usually arrive in time order.
        int i = _entries.Count;
        while (i > 0 && _entries[i - 1].At > entry.At)
            i--;
        _entries.Insert(i, entry);
    }

    public Instant Start => Origin ?? (_entries.Count > 0 ? _entries[0].At : Instant.Zero);
}
