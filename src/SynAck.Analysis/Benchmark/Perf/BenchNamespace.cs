using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// A private network namespace for one benchmark, removed on dispose. The kernel's side lives in it: sockets are made
/// on a short-lived thread that has joined the namespace with <c>setns(2)</c> (a socket stays in the namespace it was
/// made in, whichever thread uses it later), and programs run under <c>ip netns exec</c>.
/// </summary>
internal sealed partial class BenchNamespace : IDisposable
{
    private const int CloneNewNet = 0x40000000;

    private BenchNamespace(string name) => Name = name;

    public string Name { get; }

    public static BenchNamespace Create()
    {
        var name = $"synack-bench-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        Check(Run("ip", "netns", "add", name), "ip netns add");
        var ns = new BenchNamespace(name);
        try
        {
            Check(Run("ip", "-n", name, "link", "set", "lo", "up"), "ip link set lo up");
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Sets the MTU of a device in the namespace (the loopback, for kernel ↔ kernel at the same MTU).</summary>
    public void SetMtu(string device, int mtu)
        => Check(Run("ip", "-n", Name, "link", "set", device, "mtu", mtu.ToString(System.Globalization.CultureInfo.InvariantCulture)), "ip link set mtu");

    /// <summary>Runs <paramref name="work"/> on a thread inside the namespace and returns what it made.</summary>
    public T Inside<T>(Func<T> work)
    {
        T result = default!;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using (var handle = File.OpenHandle(Path.Combine("/run/netns", Name)))
                {
                    if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                        throw new InvalidOperationException($"setns into {Name} failed: errno {Marshal.GetLastPInvokeError()}");
                }
                result = work();
            }
            catch (Exception e)
            {
                failure = e;
            }
        }) { IsBackground = true, Name = "bench-netns" };
        thread.Start();
        thread.Join();
        if (failure is not null)
            throw new InvalidOperationException($"in namespace {Name}: {failure.Message}", failure);
        return result;
    }

    /// <summary>A TCP socket of the namespace's kernel.</summary>
    public Socket NewSocket() => Inside(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));

    /// <summary>The namespace's <c>TcpExt TCPTimeouts</c> counter (retransmission timeouts of every kernel socket in it).</summary>
    public long KernelTimeouts() => Inside(() =>
    {
        var lines = File.ReadAllLines("/proc/thread-self/net/netstat");
        for (int i = 0; i + 1 < lines.Length; i++)
        {
            if (!lines[i].StartsWith("TcpExt:", StringComparison.Ordinal))
                continue;
            var names = lines[i].Split(' ');
            var values = lines[i + 1].Split(' ');
            int at = Array.IndexOf(names, "TCPTimeouts");
            if (at > 0 && at < values.Length)
                return long.Parse(values[at], System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException("no TcpExt TCPTimeouts in /proc/net/netstat");
    });

    /// <summary>Starts a program inside the namespace (<c>ip netns exec</c>), its output redirected.</summary>
    public Process Start(params string[] command)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])["netns", "exec", Name, .. command])
            psi.ArgumentList.Add(a);
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start " + command[0]);
    }

    public void Dispose() => Run("ip", "netns", "del", Name);

    internal static (int ExitCode, string Output) Run(params string[] command)
    {
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command[1..])
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + command[0]);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            p.Kill();
            throw new TimeoutException(string.Join(' ', command) + " did not finish within 30 s");
        }
        p.WaitForExit();
        return (p.ExitCode, (stdout.Result + stderr.Result).Trim());
    }

    private static void Check((int ExitCode, string Output) r, string what)
    {
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"{what} failed ({r.ExitCode}): {r.Output}");
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
}
