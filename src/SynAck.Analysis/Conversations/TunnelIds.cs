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
        => fromLow ? Fit(Low, LowKnown, High, HighKnown, ids) : Fit(High, HighKnown, Low, LowKnown, ids);

    /// <summary><see cref="Fit(bool, ulong)"/> given the packet's direction's ids (<paramref name="mine"/>) and the other's.</summary>
    public static int Fit(ulong mine, bool mineKnown, ulong other, bool otherKnown, ulong ids)
    {
        if (mineKnown)
            return mine == ids ? 3 : 0;
        return otherKnown && other == ids ? 2 : 1;
    }
}
