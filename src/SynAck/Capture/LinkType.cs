namespace SynAck.Capture;

/// <summary>
/// The link-layer header type of a capture (the LINKTYPE_ values registered at
/// <see href="https://www.tcpdump.org/linktypes.html">tcpdump.org/linktypes.html</see>).
/// A file may carry a value not named here; it is kept as read, and
/// <see cref="LinkLayer.TryGetIpPacket"/> declines it.
/// </summary>
public enum LinkType : uint
{
    /// <summary>BSD loopback: a 4-byte address family in the capturing host's byte order.</summary>
    Null = 0,

    /// <summary>Ethernet II (IEEE 802.3), optionally with 802.1Q / 802.1ad VLAN tags.</summary>
    Ethernet = 1,

    /// <summary>Raw IP: the frame starts with an IPv4 or IPv6 header.</summary>
    Raw = 101,

    /// <summary>OpenBSD loopback: a 4-byte address family in network byte order.</summary>
    Loop = 108,

    /// <summary>Linux "cooked" capture, version 1 (16-byte pseudo-header).</summary>
    LinuxSll = 113,

    /// <summary>Raw IPv4 only.</summary>
    Ipv4 = 228,

    /// <summary>Raw IPv6 only.</summary>
    Ipv6 = 229,

    /// <summary>Linux "cooked" capture, version 2 (20-byte pseudo-header).</summary>
    LinuxSll2 = 276,
}
