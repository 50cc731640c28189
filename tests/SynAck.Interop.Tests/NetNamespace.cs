using System.Diagnostics;

namespace SynAck.Interop.Tests;

/// <summary>
/// A private network namespace made by a test and removed on dispose, even when the test fails
/// (interop.md: never touch the machine's own namespace).
/// </summary>
internal sealed class NetNamespace : IDisposable
{
    private NetNamespace(string name) => Name = name;

    public string Name { get; }

    public static NetNamespace Create()
    {
        var name = "synack-" + Guid.NewGuid().ToString("N")[..10];
        Run("ip", "netns", "add", name).ThrowIfFailed("ip netns add");
        var ns = new NetNamespace(name);
        ns.Exec("ip", "link", "set", "lo", "up");
        return ns;
    }

    /// <summary>Runs a command inside the namespace and waits for it.</summary>
    public (int ExitCode, string Output) Exec(params string[] command)
        => Run(["netns", "exec", Name, .. command]) is var r ? (r.ExitCode, r.Output) : default;

    /// <summary>Starts a command inside the namespace without waiting.</summary>
    public Process Start(params string[] command)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["netns", "exec", Name, .. command])
            psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start " + string.Join(' ', command));
    }

    public void Dispose() => Run("ip", "netns", "del", Name);

    internal static Result Run(params string[] command) => Run((IEnumerable<string>)command);

    private static Result Run(IEnumerable<string> command)
    {
        var args = command.ToArray();
        var exe = args[0] == "netns" ? "ip" : args[0];
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args[0] == "netns" ? args : args[1..])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + exe);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return new Result(p.ExitCode, stdout.Result + stderr.Result);
    }

    internal readonly record struct Result(int ExitCode, string Output)
    {
        public void ThrowIfFailed(string what)
        {
            if (ExitCode != 0)
                throw new InvalidOperationException($"{what} failed ({ExitCode}): {Output}");
        }
    }
}
