using System.Globalization;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Analysis.Scenarios;

/// <summary>How explanations write numbers and names: invariant culture, thousands separators, states as RFC 9293 spells them.</summary>
internal static class Wording
{
    public static string Bytes(long n) => n.ToString("#,0", CultureInfo.InvariantCulture) + (n == 1 ? " byte" : " bytes");

    public static string Ms(Duration d) => d.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture) + " ms";

    public static string Seconds(Duration d) => d.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    /// <summary>Seconds for long spans, milliseconds for short ones.</summary>
    public static string Span(Duration d) => d >= Duration.FromSeconds(1L) ? Seconds(d) : Ms(d);

    public static string At(Instant t) => t.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture) + " ms";

    public static string State(TcpState s) => TcpStateTable.RfcName(s);

    public static string States(IEnumerable<TcpState> states) => string.Join(" → ", states.Select(State));

    public static string Errors(IReadOnlyList<TcpError> errors)
        => errors.Count == 0 ? "no error" : string.Join(", ", errors.Select(Ladder.LadderBuilder.ErrorText));

    public static string Count(int n, string one, string many) => n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? one : many);
}
