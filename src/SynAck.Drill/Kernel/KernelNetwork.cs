using System.Diagnostics;
using SynAck.Links;

namespace SynAck.Drill.Kernel;

/// <summary>
/// A private network namespace for one script, as packetdrill sets one up: a TUN device named tun0 holding the
/// kernel's address (192.168.0.1 or fd3d:fa7b:d17d::1), a route to the script's side's prefix (192.0.2.0/24 or
/// 2001:db8::/32) through it, and loopback up. Disposing deletes the namespace and the device with it. Like
/// packetdrill's own tun0 (netdev.c: IFF_VNET_HDR and TUNSETOFFLOAD with checksum and TSO), the device takes
/// segmentation offload, so the kernel hands over its TCP output as GSO super-packets, as a script's authors saw it.
/// </summary>
internal sealed class KernelNetwork : IDisposable
{
    private static int _counter;

    private KernelNetwork(string name, TunLink link)
    {
        Namespace = name;
        Link = link;
    }

    public string Namespace { get; }

    public TunLink Link { get; }

    public static KernelNetwork Create(bool ipv6, string local, string remote)
    {
        string ns = $"drill-{Environment.ProcessId}-{Interlocked.Increment(ref _counter)}";
        string dev = $"drl{Environment.ProcessId % 100000}x{_counter}";
        var link = TunLink.Open(dev, offload: true);
        try
        {
            IpCommand.Check("netns", "add", ns);
            IpCommand.Check("link", "set", dev, "netns", ns);
            IpCommand.Check("-n", ns, "link", "set", dev, "name", "tun0");
            IpCommand.Check("-n", ns, "link", "set", "lo", "up");
            string[] nodad = ipv6 ? ["nodad"] : [];
            IpCommand.Check(["-n", ns, "addr", "add", ipv6 ? $"{local}/64" : $"{local}/16", "dev", "tun0", .. nodad]);
            IpCommand.Check("-n", ns, "link", "set", "tun0", "up");
            // The remote prefix, as packetdrill routes it (192.0.2.0/24, 2001:db8::/32): a script's `ip route change` of the
            // single address then finds no such route, as under packetdrill.
            string route = ipv6 ? (remote.StartsWith("2001:db8:", StringComparison.OrdinalIgnoreCase) ? "2001:db8::/32" : $"{remote}/128")
                : remote.StartsWith("192.0.2.", StringComparison.Ordinal) ? "192.0.2.0/24" : $"{remote}/32";
            IpCommand.Check("-n", ns, "route", "add", route, "dev", "tun0");
            return new KernelNetwork(ns, link);
        }
        catch
        {
            link.Dispose();
            IpCommand.Run("netns", "del", ns);
            throw;
        }
    }

    /// <summary>Runs a script's shell command inside the namespace, from the script's directory; returns its exit code and output.</summary>
    public (int Code, string Output) Shell(string command, string directory)
    {
        var psi = new ProcessStartInfo("ip", ["netns", "exec", Namespace, "bash", "-c", command])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // packetdrill's set_sysctls.py names its restore file after the running packetdrill.
        psi.Environment["PACKETDRILL_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(30_000))
        {
            p.Kill(true);
            return (-1, "timed out");
        }
        return (p.ExitCode, output + err.Result);
    }

    public void Dispose()
    {
        Link.Dispose();
        IpCommand.Run("netns", "del", Namespace);
    }
}
