using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SynAck.Links;

/// <summary>
/// Creates a TUN device and configures the kernel's side of it in one call: optionally moves it
/// into a network namespace (creating the namespace when missing), sets the MTU, gives the
/// kernel its addresses and brings the device up. SynAck then owns the other end of the device
/// through the returned <see cref="TunLink"/>.
/// </summary>
/// <example>
/// <code>
/// using var link = new TunSetup
/// {
///     Namespace = "synack-demo",
///     KernelAddresses = ["198.18.0.1/24"],
/// }.Open();
/// // the kernel (ip netns exec synack-demo ...) now reaches 198.18.0.2 through the link
/// </code>
/// </example>
/// <remarks>Runs iproute2's <c>ip</c>; needs root. Without <see cref="Namespace"/> the device is
/// configured in the current namespace, which changes the machine's own routing: meant for
/// users on their own machines, never for tests.</remarks>
public sealed class TunSetup
{
    /// <summary>The device name (at most 15 bytes); null lets the kernel choose <c>tunN</c>.</summary>
    public string? DeviceName { get; init; }

    /// <summary>The network namespace to move the device into; null keeps it in the current one.</summary>
    public string? Namespace { get; init; }

    /// <summary>Create <see cref="Namespace"/> when it does not exist yet (default true).</summary>
    public bool CreateNamespace { get; init; } = true;

    /// <summary>The kernel side's addresses with prefix length, such as <c>198.18.0.1/24</c> or
    /// <c>2001:2::1/64</c>; the prefix also routes the rest of the subnet into the device.</summary>
    public IReadOnlyList<string> KernelAddresses { get; init; } = [];

    /// <summary>The device MTU; 0 keeps the default (1500).</summary>
    public int Mtu { get; init; }

    /// <summary>Open the device with segmentation and checksum offload (<see cref="TunLink.Offload"/>); default false.</summary>
    public bool Offload { get; init; }

    /// <summary>Creates and configures the device; on any failure removes it again and throws.</summary>
    /// <exception cref="UnauthorizedAccessException">Not root.</exception>
    /// <exception cref="InvalidOperationException">An <c>ip</c> command failed; its output is in the message.</exception>
    public TunLink Open()
    {
        Validate();
        return Configure(TunLink.Open(DeviceName, Mtu, Offload));
    }

    /// <summary>Creates and configures a multi-queue device with <paramref name="count"/> queues
    /// (<see cref="TunLink.OpenQueues"/>); on any failure removes it again and throws.</summary>
    /// <exception cref="UnauthorizedAccessException">Not root.</exception>
    /// <exception cref="InvalidOperationException">An <c>ip</c> command failed; its output is in the message.</exception>
    public TunLink[] OpenQueues(int count)
    {
        Validate();
        var queues = TunLink.OpenQueues(DeviceName, count, Mtu, Offload);
        try
        {
            Configure(queues[0]);
            return queues;
        }
        catch
        {
            foreach (var q in queues)
                q.Dispose();
            throw;
        }
    }

    private void Validate()
    {
        if (Namespace is not null && !IsValidNamespaceName(Namespace))
            throw new ArgumentException($"'{Namespace}' is not a namespace name (letters, digits, '-', '_', '.')", nameof(Namespace));
        _ = KernelAddresses.Select(ParseCidr).ToArray();
    }

    /// <summary>Moves and configures the device of <paramref name="link"/>; disposes it and throws on failure.</summary>
    private TunLink Configure(TunLink link)
    {
        var addresses = KernelAddresses.Select(ParseCidr).ToArray();
        try
        {
            string[] scope = [];
            if (Namespace is not null)
            {
                if (CreateNamespace && !File.Exists(Path.Combine("/run/netns", Namespace)))
                    IpCommand.Check("netns", "add", Namespace);
                // The open descriptor keeps working after the device changes namespace.
                IpCommand.Check("link", "set", link.Name, "netns", Namespace);
                scope = ["-n", Namespace];
                IpCommand.Check([.. scope, "link", "set", "lo", "up"]);
            }
            foreach (var (address, text) in addresses)
            {
                // No duplicate address detection: nothing else is on this point-to-point link,
                // and a tentative address would refuse to be used for a moment.
                string[] extra = address.AddressFamily == AddressFamily.InterNetworkV6 ? ["nodad"] : [];
                IpCommand.Check([.. scope, "addr", "add", text, "dev", link.Name, .. extra]);
            }
            IpCommand.Check([.. scope, "link", "set", link.Name, "up"]);
            return link;
        }
        catch
        {
            link.Dispose();
            throw;
        }
    }

    private static bool IsValidNamespaceName(string name)
        => name.Length is > 0 and < 64 && name != "." && name != ".."
            && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static (IPAddress Address, string Text) ParseCidr(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0
            && IPAddress.TryParse(text.AsSpan(0, slash), out var address)
            && int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var prefix)
            && prefix <= (address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32))
        {
            return (address, $"{address}/{prefix}");
        }
        throw new ArgumentException($"'{text}' is not an address with a prefix length, such as 198.18.0.1/24", nameof(KernelAddresses));
    }
}
