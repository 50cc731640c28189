using System.Diagnostics;
using System.Text;

namespace SynAck.Interop.Tests.Capture;

/// <summary>Runs the capture tools (tshark, tcpdump, dumpcap) with bounded waits, stdout and stderr kept apart.</summary>
internal static class ToolProcess
{
    /// <summary>Skips (or under CI=true fails) when a tool is missing; these tests need no root.</summary>
    public static void RequireTools(params string[] tools)
    {
        foreach (var tool in tools)
        {
            if (RootRequirement.FindOnPath(tool) is not null)
                continue;
            if (RootRequirement.InCi)
                Assert.Fail($"'{tool}' is not installed; ./test.sh installs it");
            Assert.Skip($"'{tool}' is not installed; ./test.sh installs it when run as root");
        }
    }

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
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Collects a started process's stderr and lets a test wait (bounded) for a line in it.</summary>
    public sealed class ErrorLog
    {
        private readonly StringBuilder _text = new();
        private readonly Lock _lock = new();

        public ErrorLog(Process process)
        {
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null)
                    return;
                lock (_lock)
                    _text.AppendLine(e.Data);
            };
            process.BeginErrorReadLine();
            process.OutputDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
        }

        public string Text
        {
            get
            {
                lock (_lock)
                    return _text.ToString();
            }
        }

        /// <summary>Polls until <paramref name="marker"/> appears, the process exits, or the timeout passes.</summary>
        public bool WaitFor(string marker, Process process, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < timeout)
            {
                if (Text.Contains(marker, StringComparison.Ordinal))
                    return true;
                if (process.HasExited)
                    return false;
                process.WaitForExit(50);
            }
            return false;
        }
    }
}
