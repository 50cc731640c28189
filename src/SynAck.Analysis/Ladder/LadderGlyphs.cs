namespace SynAck.Analysis.Ladder;

/// <summary>The characters a text ladder is drawn with: Unicode box drawing, or plain ASCII for terminals without it.</summary>
public sealed record LadderGlyphs(char Line, char RightHead, char LeftHead, char Drop)
{
    public static LadderGlyphs Unicode { get; } = new('─', '▶', '◀', '✕');

    public static LadderGlyphs Ascii { get; } = new('-', '>', '<', 'X');
}
