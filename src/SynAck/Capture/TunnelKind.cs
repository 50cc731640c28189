namespace SynAck.Capture;

/// <summary>An encapsulation a frame passed through on its way to the innermost IP packet (see <see cref="TunnelTrail"/>).</summary>
public enum TunnelKind : byte
{
    /// <summary>An IEEE 802.1Q or 802.1ad tag; the id is the VLAN id (12 bits). QinQ is two layers, outer first.</summary>
    Vlan,

    /// <summary>One MPLS label stack entry (RFC 3032); the id is the 20-bit label. A stack is one layer per entry, top first.</summary>
    Mpls,

    /// <summary>A PPPoE session (RFC 2516); the id is the session id.</summary>
    Pppoe,

    /// <summary>An IEEE 802.1ah backbone I-TAG; the id is the 24-bit I-SID.</summary>
    Pbb,

    /// <summary>A Cisco VN-tag or IEEE 802.1BR E-tag (no id recorded).</summary>
    VnTag,

    /// <summary>IP in IP (RFC 2003, RFC 4213, RFC 2473); the outer addresses.</summary>
    IpInIp,

    /// <summary>GRE (RFC 2784); the id is the key (RFC 2890) when present.</summary>
    Gre,

    /// <summary>PPTP's enhanced GRE (RFC 2637); the id is the call id the packet is addressed to.</summary>
    Pptp,

    /// <summary>ERSPAN type I, II or III in GRE; the id is the session id (types II and III).</summary>
    Erspan,

    /// <summary>VXLAN (RFC 7348); the id is the 24-bit VNI.</summary>
    Vxlan,

    /// <summary>VXLAN-GPE; the id is the 24-bit VNI.</summary>
    VxlanGpe,

    /// <summary>Geneve (RFC 8926); the id is the 24-bit VNI.</summary>
    Geneve,

    /// <summary>GTP-U (3GPP TS 29.281); the id is the TEID, which each end of a tunnel chooses for the packets it receives.</summary>
    GtpU,

    /// <summary>Teredo (RFC 4380): IPv6 in UDP over IPv4.</summary>
    Teredo,

    /// <summary>L2TPv2 (RFC 2661); the id is the tunnel id (high 16 bits) and session id (low 16 bits) of the receiving end.</summary>
    L2tp,
}
