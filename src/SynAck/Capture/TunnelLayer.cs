using SynAck.Wire;

namespace SynAck.Capture;

/// <summary>One encapsulation of a frame: its kind, its id when it has one, and for tunnels carried by IP the
/// outer packet's addresses (as the packet carried them: source, then destination).</summary>
public readonly record struct TunnelLayer(TunnelKind Kind, uint Id, bool HasId, IpAddress OuterSource, IpAddress OuterDestination, bool HasOuter)
{
    /// <summary>The name used in reports: "vlan", "mpls", "pppoe", "pbb", "vn-tag", "ip-in-ip", "gre", "pptp", "erspan",
    /// "vxlan", "vxlan-gpe", "geneve", "gtp-u", "teredo", "l2tp".</summary>
    public string Name => Kind switch
    {
        TunnelKind.Vlan => "vlan",
        TunnelKind.Mpls => "mpls",
        TunnelKind.Pppoe => "pppoe",
        TunnelKind.Pbb => "pbb",
        TunnelKind.VnTag => "vn-tag",
        TunnelKind.IpInIp => "ip-in-ip",
        TunnelKind.Gre => "gre",
        TunnelKind.Pptp => "pptp",
        TunnelKind.Erspan => "erspan",
        TunnelKind.Vxlan => "vxlan",
        TunnelKind.VxlanGpe => "vxlan-gpe",
        TunnelKind.Geneve => "geneve",
        TunnelKind.GtpU => "gtp-u",
        TunnelKind.Teredo => "teredo",
        TunnelKind.L2tp => "l2tp",
        _ => "unknown",
    };

    /// <summary>The layer with its outer addresses swapped: as the other direction carries it.</summary>
    public TunnelLayer Reversed => HasOuter ? this with { OuterSource = OuterDestination, OuterDestination = OuterSource } : this;
}
