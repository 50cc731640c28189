using System.Diagnostics;

namespace SynAck.TestSupport;

/// <summary>Finds outside programs and runs them to completion with a bounded wait, stdout and stderr kept apart.</summary>
internal static class ExternalProcess
{
    // Debian keeps ip, ss and tcpdump in the sbin folders, which a non-login PATH may lack.
    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>The full path of a tool: an absolute or relative path as given when the file exists, else the first match on PATH or the sbin/bin folders.</summary>
    public static string? FindOnPath(string tool)
    {
        if (tool.Contains('/'))
            return File.Exists(tool) ? tool : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':').Concat(ExtraDirectories))
        {
            if (dir.Length == 0)
                continue;
            var p = Path.Combine(dir, tool);
            if (File.Exists(p))
                return p;
        }
        return null;
    }

    /// <summary>Runs a program and waits for it; on timeout kills its whole process tree and throws <see cref="TimeoutException"/>.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(TimeSpan timeout, string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + exe);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{exe} {string.Join(' ', args)} did not finish within {timeout}");
        }
        // The second wait lets the redirected streams reach their end.
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
