namespace SynAck.Drill.Syntax;

/// <summary>How an event's time is written: <c>0.1</c>, <c>+0.1</c>, <c>*</c>, <c>0.1~0.2</c>, <c>+0.1~+0.2</c>.</summary>
internal enum TimeKind
{
    Absolute,
    Relative,
    Any,
    AbsoluteRange,
    RelativeRange,
}
