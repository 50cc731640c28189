using SynAck.Capture;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// The tunnel a connection rides. Its path (the tunnels carried by IP and their outer address pairs) is part of the
/// connection's key; its ids (VLAN tags, MPLS labels, VNIs, TEIDs, keys) are learned per direction, because some are
/// chosen by the receiving end and differ between the two directions of one flow (MPLS labels, GTP-U TEIDs, L2TP
/// and PPTP ids), and a tag or label may be present one way only. A packet whose ids differ from those its direction
/// already carried belongs to another connection.
/// </summary>
internal sealed partial class ConnectionTracker
{
    private ulong _lowIds, _highIds;
    private bool _lowIdsKnown, _highIdsKnown;
    private TunnelLayer[]? _lowLayers, _highLayers;

    /// <summary>The next connection followed on the same key (same 4-tuple and tunnel path, other ids), if any.</summary>
    public ConnectionTracker? NextOnKey { get; set; }

    /// <summary>The ids learned per direction, kept after the connection is finished.</summary>
    public TunnelIds Ids => new(_lowIds, _lowIdsKnown, _highIds, _highIdsKnown);

    /// <summary>How well a packet with <paramref name="ids"/> sent in direction <paramref name="fromLow"/> fits this connection (0: not at all).</summary>
    public int TunnelFit(bool fromLow, ulong ids)
        => fromLow ? TunnelIds.Fit(_lowIds, _lowIdsKnown, _highIds, _highIdsKnown, ids) : TunnelIds.Fit(_highIds, _highIdsKnown, _lowIds, _lowIdsKnown, ids);

    /// <summary>Learns the ids of the packet's direction and keeps the first trail each direction carried (an empty array, not an allocation, for none).</summary>
    public void NoteTunnel(bool fromLow, in TunnelTrail trail, ulong ids)
    {
        if (fromLow)
        {
            if (_lowIdsKnown)
                return;
            _lowIds = ids;
            _lowIdsKnown = true;
            _lowLayers = trail.IsEmpty ? [] : trail.ToArray();
        }
        else
        {
            if (_highIdsKnown)
                return;
            _highIds = ids;
            _highIdsKnown = true;
            _highLayers = trail.IsEmpty ? [] : trail.ToArray();
        }
    }

    /// <summary>The tunnel as the originator and the responder saw it; null for a connection without encapsulation.</summary>
    private ConnectionTunnel? BuildTunnel()
    {
        var orig = _origIsLow ? _lowLayers : _highLayers;
        var resp = _origIsLow ? _highLayers : _lowLayers;
        return (orig is null || orig.Length == 0) && (resp is null || resp.Length == 0) ? null : new ConnectionTunnel(orig, resp);
    }
}
