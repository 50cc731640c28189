using System.ComponentModel;
using System.Diagnostics;

namespace SynAck.Links;

/// <summary>Runs iproute2's <c>ip</c> with an argument list (no shell) and a bounded wait.</summary>
internal static class IpCommand
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static (int ExitCode, string Output) Run(params string[] args)
    {
        var psi = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("could not start ip");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("iproute2's 'ip' command is needed to configure a TUN device: " + e.Message, e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill();
                throw new TimeoutException($"ip {string.Join(' ', args)} did not finish within {Limit.TotalSeconds} s");
            }
            process.WaitForExit();
            return (process.ExitCode, (stdout.Result + stderr.Result).Trim());
        }
    }

    /// <summary>Runs <c>ip</c> and throws with its own message when it fails.</summary>
    public static void Check(params string[] args)
    {
        var (code, output) = Run(args);
        if (code != 0)
            throw new InvalidOperationException($"'ip {string.Join(' ', args)}' failed ({code}): {output}");
    }
}
