namespace SynAck.Drill.Syntax;

/// <summary>An event's time in microseconds as written (relative times are offsets from the previous event).</summary>
internal readonly record struct EventTime(TimeKind Kind, long StartMicros, long EndMicros)
{
    public bool IsRelative => Kind is TimeKind.Relative or TimeKind.RelativeRange;

    public bool IsRange => Kind is TimeKind.AbsoluteRange or TimeKind.RelativeRange;
}
