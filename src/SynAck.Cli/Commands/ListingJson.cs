using System.Text;
using System.Text.Json;
using SynAck.Analysis.Scenarios;
using SynAck.Analysis.States;
using SynAck.Tcp;

namespace SynAck.Cli.Commands;

/// <summary>
/// The listings a program may want to read — scenarios, what-ifs, the state table — as JSON, in the
/// snake_case convention of <c>demo --json</c> and <c>analyze --json</c>.
/// </summary>
internal static class ListingJson
{
    /// <summary><c>demo --list --json</c>: every scenario with its summary and the what-ifs it offers.</summary>
    public static string Scenarios() => Write(w =>
    {
        w.WriteStartArray();
        foreach (var s in ScenarioCatalog.All)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Name);
            w.WriteString("summary", s.Summary);
            w.WriteStartArray("what_ifs");
            foreach (var x in s.WhatIfs)
                w.WriteStringValue(ScenarioCatalog.Spell(x));
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary><c>demo --what-if help --json</c>: every counterfactual, what it breaks, and the scenarios that offer it.</summary>
    public static string WhatIfs() => Write(w =>
    {
        w.WriteStartArray();
        foreach (var x in Enum.GetValues<WhatIf>().Where(x => x != WhatIf.None))
        {
            w.WriteStartObject();
            w.WriteString("name", ScenarioCatalog.Spell(x));
            w.WriteString("explanation", ScenarioCatalog.Explain(x));
            w.WriteStartArray("scenarios");
            foreach (var s in ScenarioCatalog.All.Where(s => s.WhatIfs.Contains(x)))
                w.WriteStringValue(s.Name);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary><c>states --json</c>: the engine's transition table, and the path a scenario took on each side when asked.</summary>
    public static string States(string title, string? scenario, IReadOnlySet<StateEdge>? client, IReadOnlySet<StateEdge>? server) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("title", title);
        w.WriteStartArray("states");
        foreach (var state in Enum.GetValues<TcpState>())
            w.WriteStringValue(StateTableEdges.Name(state));
        w.WriteEndArray();
        w.WriteStartArray("transitions");
        foreach (var t in TcpStateTable.Transitions)
        {
            var edge = StateTableEdges.ToEdge(t);
            w.WriteStartObject();
            w.WriteString("from", edge.From);
            w.WriteString("to", edge.To);
            w.WriteString("cause", edge.Cause);
            if (scenario is not null)
            {
                w.WriteBoolean("client_took", client?.Contains(edge) == true);
                w.WriteBoolean("server_took", server?.Contains(edge) == true);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (scenario is null)
            w.WriteNull("highlight");
        else
            w.WriteString("highlight", scenario);
        w.WriteEndObject();
    });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            body(w);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
