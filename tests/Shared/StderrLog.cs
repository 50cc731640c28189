using System.Diagnostics;
using System.Text;

namespace SynAck.TestSupport;

/// <summary>Collects a started process's stderr and lets a test wait (bounded) for a line in it.</summary>
internal sealed class StderrLog
{
    private readonly StringBuilder _text = new();
    private readonly Lock _lock = new();

    public StderrLog(Process process)
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
