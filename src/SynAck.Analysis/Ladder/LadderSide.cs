namespace SynAck.Analysis.Ladder;

/// <summary>Which of the two timelines of a ladder diagram: the left one (usually the client) or the right one.</summary>
public enum LadderSide
{
    Left,
    Right,
}
