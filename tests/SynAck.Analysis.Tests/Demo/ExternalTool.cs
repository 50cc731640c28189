using System.Diagnostics;

namespace SynAck.Analysis.Tests.Demo;

/// <summary>Finds and runs an outside program (tshark, chromium); a test skips when it is missing, and fails instead under CI=true.</summary>
internal static class ExternalTool
{
    public static string? Find(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':'))
        {
            string path = Path.Combine(dir, name);
            if (File.Exists(path))
                return path;
        }
        return null;
    }

    public static string Require(string name)
    {
        string? path = Find(name);
        if (path is not null)
            return path;
        if (Environment.GetEnvironmentVariable("CI") == "true")
            Assert.Fail($"{name} is required under CI=true but was not found");
        Assert.Skip($"{name} is not installed");
        return "";
    }

    public static (int Code, string Out, string Err) Run(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{file} did not finish within {timeout}");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
