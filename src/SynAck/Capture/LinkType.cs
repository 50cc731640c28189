namespace SynAck.Capture;

/// <summary>
/// The link-layer header type of a capture (the LINKTYPE_ values registered at
/// <see href="https://www.tcpdump.org/linktypes.html">tcpdump.org/linktypes.html</see>).
/// A file may carry a value not named here; it is kept as read, and
/// <see cref="LinkLayer.Decode(LinkType, ReadOnlySpan{byte}, out ReadOnlySpan{byte})"/> reports it as <see cref="LinkDecodeStatus.UnsupportedLinkType"/>.
/// </summary>
public enum LinkType : uint
{
    /// <summary>BSD loopback: a 4-byte address family in the capturing host's byte order.</summary>
    Null = 0,

    /// <summary>Ethernet II (IEEE 802.3), optionally with 802.1Q / 802.1ad VLAN tags.</summary>
    Ethernet = 1,

    /// <summary>ARCNET (BSD layout): stations, protocol ID, then the RFC 1201 or RFC 1051 encapsulation.</summary>
    ArcnetBsd = 7,

    /// <summary>SLIP with libpcap's 16-byte pseudo-header.</summary>
    Slip = 8,

    /// <summary>PPP (RFC 1661), with or without HDLC-like framing.</summary>
    Ppp = 9,

    /// <summary>Raw IP under the DLT value some BSDs wrote into files.</summary>
    RawOld = 12,

    /// <summary>Raw IP under OpenBSD's DLT value.</summary>
    RawOpenBsd = 14,

    /// <summary>PPP in HDLC-like framing (RFC 1662).</summary>
    PppHdlc = 50,

    /// <summary>PPPoE session packets (RFC 2516), as BSD captures them.</summary>
    PppEther = 51,

    /// <summary>RFC 1483/2684 LLC/SNAP-encapsulated ATM.</summary>
    AtmRfc1483 = 100,

    /// <summary>Raw IP: the frame starts with an IPv4 or IPv6 header.</summary>
    Raw = 101,

    /// <summary>Cisco HDLC.</summary>
    CiscoHdlc = 104,

    /// <summary>IEEE 802.11 frames without a radio header.</summary>
    Ieee80211 = 105,

    /// <summary>Linux classical IP over ATM (LLC/SNAP).</summary>
    LinuxAtmClip = 106,

    /// <summary>Frame Relay (RFC 2427 or Cisco encapsulation).</summary>
    FrameRelay = 107,

    /// <summary>OpenBSD loopback: a 4-byte address family in network byte order.</summary>
    Loop = 108,

    /// <summary>OpenBSD enc (IPsec) pseudo-interface.</summary>
    Enc = 109,

    /// <summary>Linux "cooked" capture, version 1 (16-byte pseudo-header).</summary>
    LinuxSll = 113,

    /// <summary>OpenBSD pflog.</summary>
    Pflog = 117,

    /// <summary>IEEE 802.11 behind a Prism monitoring header.</summary>
    Ieee80211Prism = 119,

    /// <summary>SunATM: a 4-byte pseudo-header, then LLC/SNAP.</summary>
    SunAtm = 123,

    /// <summary>IEEE 802.11 behind a radiotap header.</summary>
    Ieee80211Radiotap = 127,

    /// <summary>IEEE 802.11 behind an AVS monitoring header.</summary>
    Ieee80211Avs = 163,

    /// <summary>Juniper Ethernet with Juniper's capture header.</summary>
    JuniperEther = 178,

    /// <summary>ARCNET (Linux layout): stations, two offset bytes, protocol ID, then the encapsulation.</summary>
    ArcnetLinux = 129,

    /// <summary>Per-Packet Information header, then the link type it names.</summary>
    Ppi = 192,

    /// <summary>PPP with a direction byte in front.</summary>
    PppWithDirection = 204,

    /// <summary>Cisco HDLC with a direction byte in front.</summary>
    CiscoHdlcWithDirection = 205,

    /// <summary>An MPLS label stack, then its payload.</summary>
    Mpls = 219,

    /// <summary>Solaris ipnet.</summary>
    Ipnet = 226,

    /// <summary>Raw IPv4 only.</summary>
    Ipv4 = 228,

    /// <summary>Raw IPv6 only.</summary>
    Ipv6 = 229,

    /// <summary>Linux netfilter NFLOG.</summary>
    Nflog = 239,

    /// <summary>Hilscher netANALYZER: a 4-byte pseudo-header, then Ethernet.</summary>
    NetAnalyzer = 240,

    /// <summary>Hilscher netANALYZER in transparent mode: preamble and SFD kept.</summary>
    NetAnalyzerTransparent = 241,

    /// <summary>IP over InfiniBand (RFC 4391) with libpcap's 44-byte header.</summary>
    Ipoib = 242,

    /// <summary>Apple PKTAP: a pseudo-header naming the link type of what follows.</summary>
    Pktap = 258,

    /// <summary>Linux "cooked" capture, version 2 (20-byte pseudo-header).</summary>
    LinuxSll2 = 276,
}
