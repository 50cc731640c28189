namespace SynAck.Analysis.Tests.Corpus;

/// <summary>One TCP stream as tshark or SynAck sees it: where it starts, its completeness, and how many segments carry each expert flag.</summary>
internal sealed record CorpusStream(long FirstFrame, int Completeness, int[] Flags)
{
    public bool SameFlags(CorpusStream other) => Flags.AsSpan().SequenceEqual(other.Flags);
}
