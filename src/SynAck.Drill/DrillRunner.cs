using SynAck.Drill.Run;
using SynAck.Drill.Syntax;

namespace SynAck.Drill;

/// <summary>Parses and runs packetdrill scripts against SynAck's <c>NetStack</c> on a virtual clock.</summary>
public static class DrillRunner
{
    /// <summary>Runs one script file; a syntax error is a <see cref="DrillVerdict.ScriptError"/> with line and column.</summary>
    public static DrillResult RunFile(string path, DrillConfig? config = null, List<(long TimeNs, byte[] Packet, bool Sent)>? packets = null)
        => RunText(File.ReadAllText(path), path, config, packets);

    /// <summary>
    /// Runs one script file against the Linux kernel: real sockets in a private network namespace, the script's
    /// packets over its tun0, real time. Needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN).
    /// </summary>
    public static DrillResult RunFileOnKernel(string path, DrillConfig? config = null)
    {
        DrillScript script;
        try
        {
            script = ScriptParser.Parse(File.ReadAllText(path));
        }
        catch (DrillSyntaxException e)
        {
            return new DrillResult(path, DrillVerdict.ScriptError, e.Line, e.Column, e.Reason, null, null, null);
        }
        DrillResult result;
        using (var target = new Kernel.KernelTarget(script, config ?? new DrillConfig(), path))
            result = target.Run();
        // Real time on a shared machine: one retry for a failure that is only about timing, reported as such.
        if (result.Verdict == DrillVerdict.Fail && result.Message.StartsWith("timing error", StringComparison.Ordinal))
        {
            using var again = new Kernel.KernelTarget(script, config ?? new DrillConfig(), path);
            var second = again.Run();
            result = second with { Notes = [.. second.Notes, $"retried once after a timing failure at line {result.Line}: {result.Message}"] };
        }
        return result;
    }

    /// <summary>Runs a script given as text; <paramref name="path"/> names it and resolves the files its commands source.</summary>
    public static DrillResult RunText(string text, string path, DrillConfig? config = null, List<(long TimeNs, byte[] Packet, bool Sent)>? packets = null)
    {
        DrillScript script;
        try
        {
            script = ScriptParser.Parse(text);
        }
        catch (DrillSyntaxException e)
        {
            return new DrillResult(path, DrillVerdict.ScriptError, e.Line, e.Column, e.Reason, null, null, null);
        }
        var target = new SynAckTarget(script, config ?? new DrillConfig(), path);
        var result = target.Run();
        if (packets is not null)
        {
            packets.AddRange(target.Delivered.Select(p => (p.TimeNs, p.Bytes, false)));
            packets.AddRange(target.Sent.Select(p => (p.TimeNs, p.Bytes, true)));
            packets.Sort((a, b) => a.TimeNs.CompareTo(b.TimeNs));
        }
        return result;
    }

    /// <summary>The scripts a path names: the file itself, or every <c>.pkt</c> file under the directory, sorted.</summary>
    public static IReadOnlyList<string> Scripts(string path)
        => Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*.pkt", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList()
            : [path];
}
