namespace SynAck.Capture;

/// <summary>
/// Finds the IP packet inside a captured frame by removing the link-layer header and whatever
/// encapsulation lies between it and IP.
/// </summary>
/// <remarks>One decoder per family of headers: <c>EthernetFrame</c> and <c>EtherTypes</c> (VLAN tags, QinQ,
/// MPLS, PPPoE, PBB, VN-tag, E-tag, LLC/SNAP), <c>PppFrame</c>, <c>SerialLinks</c> (Cisco HDLC, Frame Relay,
/// SLIP, ATM), <c>Ieee80211Frame</c> (802.11 behind radiotap, PPI, Prism, AVS), <c>HostLinks</c> (loopback,
/// Linux cooked, IPoIB, ipnet, NFLOG, PKTAP, pflog, enc, Juniper, netANALYZER) and, beneath IP,
/// <c>IpTunnels</c>, <c>Gre</c> and <c>UdpTunnels</c>.</remarks>
public static class LinkLayer
{
    // Where the overloads that do not return the trail let decoders record it: a per-thread scratch value, so no
    // call zeroes a fresh one.
    [ThreadStatic]
    private static TunnelTrail t_ignored;

    /// <summary>
    /// Returns the outermost IPv4 or IPv6 packet carried by <paramref name="frame"/> (tunnels are not
    /// followed: see <see cref="Decode(LinkType, ReadOnlySpan{byte}, out ReadOnlySpan{byte})"/>). False for link types SynAck does not decode, other protocols
    /// (ARP, ...), frames too short for their headers, or a packet whose IP version disagrees with the
    /// header before it. The IP packet itself is not checked further (and may include Ethernet padding).
    /// </summary>
    public static bool TryGetIpPacket(LinkType linkType, ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ipPacket)
    {
        return DecodeLink(linkType, frame, 0, ref t_ignored, out ipPacket) == LinkDecodeStatus.Ip;
    }

    /// <summary>
    /// Finds the innermost IP packet of <paramref name="frame"/>: strips the link layer and its
    /// encapsulations, then follows IP tunnels (IP in IP, GRE, VXLAN, Geneve, GTP-U, Teredo, L2TP)
    /// down to the packet they carry. The status says why nothing was found.
    /// </summary>
    public static LinkDecodeStatus Decode(LinkType linkType, ReadOnlySpan<byte> frame, out ReadOnlySpan<byte> ipPacket)
    {
        return Decode(linkType, frame, ref t_ignored, out ipPacket);
    }

    /// <summary>
    /// As <see cref="Decode(LinkType, ReadOnlySpan{byte}, out ReadOnlySpan{byte})"/>, and records in
    /// <paramref name="trail"/> (reset first) the encapsulations the frame passed: VLAN tags, MPLS labels, PPPoE,
    /// PBB, and each IP tunnel with its outer addresses. Nothing is recorded, and nothing allocated, for a plain frame.
    /// </summary>
    public static LinkDecodeStatus Decode(LinkType linkType, ReadOnlySpan<byte> frame, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ipPacket)
    {
        trail.Reset();
        var status = DecodeLink(linkType, frame, 0, ref trail, out ipPacket);
        if (status == LinkDecodeStatus.Ip)
            ipPacket = IpTunnels.Innermost(ipPacket, 0, ref trail);
        return status;
    }

    /// <summary>True for the link types <see cref="Decode(LinkType, ReadOnlySpan{byte}, out ReadOnlySpan{byte})"/> reads (others give <see cref="LinkDecodeStatus.UnsupportedLinkType"/>).</summary>
    public static bool IsSupported(LinkType linkType)
    {
        return DecodeLink(linkType, [], 0, ref t_ignored, out _) != LinkDecodeStatus.UnsupportedLinkType;
    }

    internal static LinkDecodeStatus DecodeLink(LinkType linkType, ReadOnlySpan<byte> frame, int depth, scoped ref TunnelTrail trail, out ReadOnlySpan<byte> ip)
    {
        ip = default;
        if (depth > EtherTypes.MaxDepth)
            return LinkDecodeStatus.TooDeep;
        return linkType switch
        {
            LinkType.Raw or LinkType.RawOld or LinkType.RawOpenBsd => IpStart.Accept(frame, 0, out ip),
            LinkType.Ipv4 => IpStart.Accept(frame, 4, out ip),
            LinkType.Ipv6 => IpStart.Accept(frame, 6, out ip),
            LinkType.Ethernet => EthernetFrame.Decode(frame, depth, ref trail, out ip),
            LinkType.LinuxSll => HostLinks.DecodeSll(frame, depth, ref trail, out ip),
            LinkType.LinuxSll2 => HostLinks.DecodeSll2(frame, depth, ref trail, out ip),
            LinkType.Null or LinkType.Loop => HostLinks.DecodeLoopback(frame, out ip),
            LinkType.Ppp or LinkType.PppHdlc => SerialLinks.DecodePpp(frame, depth, ref trail, out ip),
            LinkType.PppWithDirection => frame.IsEmpty ? LinkDecodeStatus.Truncated : SerialLinks.DecodePpp(frame[1..], depth, ref trail, out ip),
            LinkType.PppEther => frame.Length < 14 ? LinkDecodeStatus.Truncated : PppFrame.DecodePppoe(frame, depth, ref trail, out ip),
            LinkType.CiscoHdlc => SerialLinks.DecodeCiscoHdlc(frame, depth, ref trail, out ip),
            LinkType.CiscoHdlcWithDirection => frame.IsEmpty ? LinkDecodeStatus.Truncated : SerialLinks.DecodeCiscoHdlc(frame[1..], depth, ref trail, out ip),
            LinkType.FrameRelay => SerialLinks.DecodeFrameRelay(frame, depth, ref trail, out ip),
            LinkType.Slip => SerialLinks.DecodeSlip(frame, out ip),
            LinkType.ArcnetBsd => ArcnetFrame.Decode(frame, linux: false, out ip),
            LinkType.ArcnetLinux => ArcnetFrame.Decode(frame, linux: true, out ip),
            LinkType.AtmRfc1483 or LinkType.LinuxAtmClip => EtherTypes.FollowLlcSnap(frame, depth, ref trail, out ip),
            LinkType.SunAtm => SerialLinks.DecodeSunAtm(frame, depth, ref trail, out ip),
            LinkType.Mpls => Mpls.Decode(frame, depth, ref trail, out ip),
            LinkType.Ieee80211 => Ieee80211Frame.Decode(frame, depth, ref trail, out ip),
            LinkType.Ieee80211Radiotap => Ieee80211Frame.DecodeRadiotap(frame, depth, ref trail, out ip),
            LinkType.Ieee80211Prism => Ieee80211Frame.DecodePrism(frame, depth, ref trail, out ip),
            LinkType.Ieee80211Avs => Ieee80211Frame.DecodeAvs(frame, depth, ref trail, out ip),
            LinkType.Ppi => Ieee80211Frame.DecodePpi(frame, depth, ref trail, out ip),
            LinkType.Ipoib => HostLinks.DecodeIpoib(frame, depth, ref trail, out ip),
            LinkType.Ipnet => HostLinks.DecodeIpnet(frame, out ip),
            LinkType.Nflog => HostLinks.DecodeNflog(frame, out ip),
            LinkType.Pktap => HostLinks.DecodePktap(frame, depth, ref trail, out ip),
            LinkType.Pflog => HostLinks.DecodePflog(frame, out ip),
            LinkType.Enc => HostLinks.DecodeEnc(frame, out ip),
            LinkType.JuniperEther => HostLinks.DecodeJuniperEthernet(frame, depth, ref trail, out ip),
            LinkType.NetAnalyzer => HostLinks.DecodeNetAnalyzer(frame, 4, depth, ref trail, out ip),
            LinkType.NetAnalyzerTransparent => HostLinks.DecodeNetAnalyzer(frame, 12, depth, ref trail, out ip),
            _ => LinkDecodeStatus.UnsupportedLinkType,
        };
    }
}
