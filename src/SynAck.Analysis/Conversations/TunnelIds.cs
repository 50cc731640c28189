namespace SynAck.Analysis.Conversations;

/// <summary>The tunnel ids (<see cref="SynAck.Capture.TunnelTrail.IdHash"/>) each direction of a connection carried, once seen.</summary>
internal readonly record struct TunnelIds(ulong Low, bool LowKnown, ulong High, bool HighKnown)
{
    /// <summary>
    /// How well a packet with <paramref name="ids"/> in direction <paramref name="fromLow"/> fits: 3 when its
    /// direction carried the same ids, 2 when its direction is new and the other direction carried the same ids
    /// (most tunnels use one id both ways: VLANs, VNIs, GRE keys), 1 when its direction is new, 0 when its
    /// direction carried other ids.
    /// </summary>
    public int Fit(bool fromLow, ulong ids)
    {
        var (mine, mineKnown, other, otherKnown) = fromLow ? (Low, LowKnown, High, HighKnown) : (High, HighKnown, Low, LowKnown);
        if (mineKnown)
            return mine == ids ? 3 : 0;
        return otherKnown && other == ids ? 2 : 1;
    }
}
