using System.Globalization;
using System.Text;
using SynAck.Capture;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// The encapsulation a connection's packets came through (VLAN tags, MPLS labels, PPPoE, IP tunnels with their
/// outer addresses and VNI/TEID/key), outermost first, as each side's first packet carried it.
/// </summary>
public sealed class ConnectionTunnel
{
    internal ConnectionTunnel(TunnelLayer[]? originator, TunnelLayer[]? responder)
    {
        OriginatorLayers = originator;
        ResponderLayers = responder;
        Layers = originator ?? responder!.Select(l => l.Reversed).ToArray();
    }

    /// <summary>The layers oriented from the originator: an IP tunnel's outer source is the originator's end of the
    /// tunnel. Ids are those the originator's packets carried (the responder's when only the responder was seen).</summary>
    public IReadOnlyList<TunnelLayer> Layers { get; }

    /// <summary>The layers of the originator's first packet (empty when it had none); null when the originator sent no packet.</summary>
    public IReadOnlyList<TunnelLayer>? OriginatorLayers { get; }

    /// <summary>The layers of the responder's first packet (outer addresses as that packet carried them; empty when it had none); null when the responder sent no packet.</summary>
    public IReadOnlyList<TunnelLayer>? ResponderLayers { get; }

    /// <summary>The innermost tunnel carried by IP (the one whose outer addresses Zeek's <c>tunnel_parents</c> names), if any.</summary>
    public TunnelLayer? InnermostIpTunnel
    {
        get
        {
            for (int i = Layers.Count - 1; i >= 0; i--)
            {
                if (Layers[i].HasOuter)
                    return Layers[i];
            }
            return null;
        }
    }

    /// <summary>The id the responder's packets carried at layer <paramref name="index"/> when it differs from <see cref="Layers"/>' (MPLS labels, TEIDs...).</summary>
    public uint? ResponderId(int index)
    {
        if (OriginatorLayers is null || ResponderLayers is null || index >= ResponderLayers.Count || index >= Layers.Count)
            return null;
        var r = ResponderLayers[index];
        return r.Kind == Layers[index].Kind && r.HasId && r.Id != Layers[index].Id ? r.Id : null;
    }

    /// <summary>The two directions' first packets passed different kinds of layers (an MPLS label popped before the
    /// last hop, a VLAN tag stripped on one side): <see cref="Layers"/> is then only the originator's view.</summary>
    public bool DirectionsDiffer
        => OriginatorLayers is not null && ResponderLayers is not null
            && !OriginatorLayers.Select(l => l.Kind).SequenceEqual(ResponderLayers.Select(l => l.Kind));

    /// <summary>One line: "vlan 10, vxlan 4096 192.0.2.1→192.0.2.2, gtp-u 7/9" (a second id is the responder's); when
    /// the directions differ, each: "mpls 16; responder: none" (outer addresses always from the originator's end).</summary>
    public string Describe()
    {
        if (!DirectionsDiffer)
            return Line(Layers, this);
        return (OriginatorLayers!.Count == 0 ? "none" : Line(OriginatorLayers, null)) + "; responder: " + (ResponderLayers!.Count == 0 ? "none" : Line(ResponderLayers.Select(l => l.Reversed).ToList(), null));
    }

    private static string Line(IReadOnlyList<TunnelLayer> layers, ConnectionTunnel? withResponderIds)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < layers.Count; i++)
        {
            var l = layers[i];
            if (i > 0)
                sb.Append(", ");
            sb.Append(l.Name);
            if (l.HasId)
                sb.Append(' ').Append(l.Id.ToString(CultureInfo.InvariantCulture));
            if (withResponderIds?.ResponderId(i) is { } back)
                sb.Append('/').Append(back.ToString(CultureInfo.InvariantCulture));
            if (l.HasOuter)
                sb.Append(' ').Append(l.OuterSource.ToString()).Append('→').Append(l.OuterDestination.ToString());
        }
        return sb.ToString();
    }
}
