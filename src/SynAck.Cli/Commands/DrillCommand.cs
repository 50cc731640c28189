using System.CommandLine;
using System.Text.Json;
using SynAck.Capture;
using SynAck.Drill;
using SynAck.Drill.Run;

namespace SynAck.Cli.Commands;

/// <summary>
/// <c>synack drill SCRIPT|DIR</c>: runs packetdrill scripts against SynAck's NetStack on the virtual clock; one line
/// per script (pass, fail with the first mismatch, unsupported with what), then a summary. Exit 1 when a script
/// fails, 2 when one does not parse (line and column given) or the arguments are bad.
/// </summary>
internal static class DrillCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var path = new Argument<string>("SCRIPT|DIR") { Description = "a .pkt script, or a directory whose .pkt scripts are all run" };
        var json = new Option<bool>("--json") { Description = "one JSON document with every result instead of text" };
        var pcap = new Option<string?>("--pcap") { Description = "write the packets of the run (one script) to FILE as pcapng", HelpName = "FILE" };
        var tolerance = new Option<long?>("--tolerance_usecs") { Description = "timing tolerance in microseconds (default 4000, or the script's)", HelpName = "USECS" };
        var target = new Option<string>("--target") { Description = "synack (the default), kernel, or both (each script on SynAck and on the kernel, the first difference named)", DefaultValueFactory = _ => "synack" };
        var ladder = new Option<bool>("--ladder") { Description = "draw the run (one script) as a ladder, the script's packets marked with their line; with --target both, the two side by side" };
        var ascii = new Option<bool>("--ascii") { Description = "draw the ladder with ASCII characters only" };
        var report = new Option<string?>("--report") { Description = "write the conformance report (markdown) to FILE", HelpName = "FILE" };
        var kernel = new Option<string?>("--kernel-results") { Description = "packetdrill's verdicts for --report (script, exit code, first error; tab-separated)", HelpName = "TSV" };
        var runnerKernel = new Option<string?>("--runner-kernel-results") { Description = "synack drill --target kernel verdicts for --report (same format as --kernel-results)", HelpName = "TSV" };
        var reasons = new Option<string?>("--reasons") { Description = "reasons for SynAck's failures for --report (script TAB reason)", HelpName = "TSV" };
        var command = new Command("drill", "Run packetdrill scripts against SynAck's TCP on a virtual clock") { path, json, pcap, tolerance, target, ladder, ascii, report, kernel, runnerKernel, reasons };
        command.SetAction(r =>
        {
            int code = Execute(r.GetValue(path)!, r.GetValue(json), r.GetValue(pcap), r.GetValue(tolerance), r.GetValue(target)!, output, error, out var results,
                r.GetValue(ladder), r.GetValue(ascii));
            if (r.GetValue(report) is { } file && results is not null)
            {
                var k = r.GetValue(kernel) is { } tsv && File.Exists(tsv) ? DrillReport.ReadKernel(tsv) : [];
                var rk = r.GetValue(runnerKernel) is { } rtsv && File.Exists(rtsv) ? DrillReport.ReadKernel(rtsv) : null;
                File.WriteAllText(file, DrillReport.Write(results, k, DrillReport.ReadReasons(r.GetValue(reasons)), rk));
            }
            return code;
        });
        return command;
    }

    /// <summary>Whether this process may create namespaces and TUN devices; a test sets it to see the refusal while running as root.</summary>
    internal static Func<bool> CanUseKernel { get; set; } = () => OperatingSystem.IsLinux() && Environment.UserName == "root";

    internal static int Execute(string path, bool json, string? pcap, long? tolerance, string target, TextWriter output, TextWriter error)
        => Execute(path, json, pcap, tolerance, target, output, error, out _);

    internal static int Execute(string path, bool json, string? pcap, long? tolerance, string target, TextWriter output, TextWriter error, out List<DrillResult>? all,
        bool ladder = false, bool ascii = false)
    {
        all = null;
        if (target is not ("synack" or "kernel" or "both"))
            return Usage.Fail(error, $"unknown target '{target}' (valid: synack, kernel, both)");
        if (target is "kernel" or "both" && !CanUseKernel())
            return Usage.Fail(error, $"--target {target} needs root on Linux (it creates a network namespace and a TUN device)");
        if (target is "kernel" or "both" && pcap is not null)
            return Usage.Fail(error, "--pcap is for the SynAck target");
        if (ladder && json)
            return Usage.Fail(error, "--ladder and --json do not go together");
        if (!File.Exists(path) && !Directory.Exists(path))
            return Usage.Fail(error, $"no such script or directory: {path}");
        var scripts = DrillRunner.Scripts(path);
        if (scripts.Count == 0)
            return Usage.Fail(error, $"no .pkt scripts under {path}");
        if (pcap is not null && scripts.Count != 1)
            return Usage.Fail(error, "--pcap needs a single script");
        if (ladder && scripts.Count != 1)
            return Usage.Fail(error, "--ladder needs a single script");
        var config = new DrillConfig();
        if (tolerance is { } t)
            config.ToleranceMicros = t;
        var results = new List<DrillResult>();
        all = results;
        var packets = pcap is null ? null : new List<(long, byte[], bool)>();
        string root = Directory.Exists(path) ? Path.GetFullPath(path) : Path.GetDirectoryName(Path.GetFullPath(path))!;
        foreach (var s in scripts)
        {
            var r = target == "kernel" ? DrillRunner.RunFileOnKernel(s, config) : DrillRunner.RunFile(s, config, packets);
            r = r with { Script = Path.GetRelativePath(root, s) };
            results.Add(r);
            DrillResult? k = null;
            if (target == "both")
            {
                k = DrillRunner.RunFileOnKernel(s, config) with { Script = r.Script };
                results.Add(k);
            }
            if (json)
                continue;
            output.WriteLine(target == "both" ? "synack  " + r.Describe() : r.Describe());
            if (k is not null)
            {
                output.WriteLine("kernel  " + k.Describe());
                output.WriteLine(DrillLadder.FirstDifference(r, k) is { } line ? $"        first difference: line {line}" : "        no difference");
            }
            if (ladder)
                output.Write(k is null ? DrillLadder.Render(r, target == "kernel" ? "Linux" : "SynAck", ascii) : DrillLadder.SideBySide(r, k, ascii));
        }
        if (pcap is not null && packets is not null && !WritePcap(pcap, packets, error))
            return Usage.BadInput;
        if (json)
            WriteJson(results, target, output);
        else
            WriteSummary(results, output);
        if (results.Any(r => r.Verdict == DrillVerdict.ScriptError))
        {
            if (!json)
            {
                var bad = results.First(r => r.Verdict == DrillVerdict.ScriptError);
                error.WriteLine($"error: {bad.Script}:{bad.Line}:{bad.Column}: {bad.Message}");
            }
            return Usage.BadInput;
        }
        return results.Any(r => r.Verdict == DrillVerdict.Fail) ? 1 : 0;
    }

    private static void WriteSummary(List<DrillResult> results, TextWriter output)
    {
        int Count(DrillVerdict v) => results.Count(r => r.Verdict == v);
        output.WriteLine();
        output.WriteLine("verdict        scripts");
        output.WriteLine($"pass           {Count(DrillVerdict.Pass),7}");
        output.WriteLine($"fail           {Count(DrillVerdict.Fail),7}");
        output.WriteLine($"unsupported    {Count(DrillVerdict.Unsupported),7}");
        output.WriteLine($"script error   {Count(DrillVerdict.ScriptError),7}");
        output.WriteLine($"total          {results.Count,7}");
    }

    private static void WriteJson(List<DrillResult> results, string target, TextWriter output)
    {
        var doc = new
        {
            target,
            summary = new
            {
                pass = results.Count(r => r.Verdict == DrillVerdict.Pass),
                fail = results.Count(r => r.Verdict == DrillVerdict.Fail),
                unsupported = results.Count(r => r.Verdict == DrillVerdict.Unsupported),
                script_error = results.Count(r => r.Verdict == DrillVerdict.ScriptError),
                total = results.Count,
            },
            scripts = results.Select(r => new
            {
                script = r.Script,
                verdict = r.Verdict switch { DrillVerdict.Pass => "pass", DrillVerdict.Fail => "fail", DrillVerdict.Unsupported => "unsupported", _ => "script_error" },
                line = r.Line == 0 ? (int?)null : r.Line,
                column = r.Column == 0 ? (int?)null : r.Column,
                message = r.Message.Length == 0 ? null : r.Message,
                expected = r.Expected,
                actual = r.Actual,
                time_seconds = r.TimeSeconds,
                notes = r.Notes,
            }),
        };
        output.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions
        {
            WriteIndented = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        }));
    }

    private static bool WritePcap(string file, List<(long TimeNs, byte[] Packet, bool Sent)> packets, TextWriter error)
    {
        try
        {
            using var stream = File.Create(file);
            using var writer = new PcapNgWriter(stream);
            int iface = writer.AddInterface(LinkType.Raw, "drill");
            foreach (var (t, p, sent) in packets)
                writer.WritePacket(iface, t, p, sent ? PacketDirection.Outbound : PacketDirection.Inbound);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Usage.Fail(error, "cannot write the pcap file: " + e.Message);
            return false;
        }
    }
}
