namespace SynAck.Analysis.Conversations;

internal sealed partial class ZeekConnectionState
{
    /// <summary>Zeek's <c>conn_state</c> from the two endpoint states, in the order Zeek's decision list tests them.</summary>
    public string ConnState
    {
        get
        {
            var os = _origState;
            var rs = _respState;
            bool oInactive = os is ZeekEndpointState.Inactive or ZeekEndpointState.Partial;
            bool rInactive = rs is ZeekEndpointState.Inactive or ZeekEndpointState.Partial;
            if (rs == ZeekEndpointState.Reset)
            {
                if (os is ZeekEndpointState.SynSent or ZeekEndpointState.SynAckSent
                    || (os == ZeekEndpointState.Reset && OrigPayloadBytes == 0 && RespPayloadBytes == 0))
                    return "REJ";
                return oInactive ? "RSTRH" : "RSTR";
            }
            if (os == ZeekEndpointState.Reset)
            {
                if (rInactive)
                    return OriginatorResetBeforeAnswer().IsMatch(History) ? "RSTOS0" : "OTH";
                return "RSTO";
            }
            if (rs == ZeekEndpointState.Closed && os == ZeekEndpointState.Closed)
                return "SF";
            if (os == ZeekEndpointState.Closed)
                return rInactive ? "SH" : "S2";
            if (rs == ZeekEndpointState.Closed)
                return oInactive ? "SHR" : "S3";
            if (os == ZeekEndpointState.SynSent && rs == ZeekEndpointState.Inactive)
                return "S0";
            if (os == ZeekEndpointState.Established && rs == ZeekEndpointState.Established)
                return "S1";
            return "OTH";
        }
    }

    private void UpdateStates(bool isOrig, in SegmentView s)
    {
        ref var me = ref isOrig ? ref _origState : ref _respState;
        ref var mePrev = ref isOrig ? ref _origPrev : ref _respPrev;
        ref var peer = ref isOrig ? ref _respState : ref _origState;
        ref var peerPrev = ref isOrig ? ref _respPrev : ref _origPrev;

        void Set(ref ZeekEndpointState state, ref ZeekEndpointState prev, ZeekEndpointState to)
        {
            prev = state;
            state = to;
        }

        switch (me)
        {
            case ZeekEndpointState.Inactive:
                if (s.Syn)
                {
                    if (isOrig)
                    {
                        Set(ref me, ref mePrev, s.HasAck ? ZeekEndpointState.SynAckSent : ZeekEndpointState.SynSent);
                    }
                    else
                    {
                        // The responder's SYN-ACK establishes both ends when the originator's SYN was seen.
                        if (peer == ZeekEndpointState.SynSent)
                            Set(ref peer, ref peerPrev, ZeekEndpointState.Established);
                        Set(ref me, ref mePrev, ZeekEndpointState.Established);
                    }
                }
                if (s.Fin)
                    Set(ref me, ref mePrev, ZeekEndpointState.Closed);
                if (s.Rst)
                    Set(ref me, ref mePrev, ZeekEndpointState.Reset);
                else if (!s.Syn && !s.Fin)
                    Set(ref me, ref mePrev, ZeekEndpointState.Partial);
                break;

            case ZeekEndpointState.SynSent:
            case ZeekEndpointState.SynAckSent:
                if (s.Fin)
                    Set(ref me, ref mePrev, ZeekEndpointState.Closed);
                if (s.Rst)
                    Set(ref me, ref mePrev, ZeekEndpointState.Reset);
                break;

            case ZeekEndpointState.Partial:
            case ZeekEndpointState.Established:
                if (s.Syn && me == ZeekEndpointState.Partial && peer == ZeekEndpointState.Inactive && !s.HasAck)
                    Set(ref me, ref mePrev, ZeekEndpointState.SynSent);
                if (s.Fin && !s.Rst)
                {
                    Set(ref me, ref mePrev, ZeekEndpointState.Closed);
                    // A reset that followed the peer's own FIN does not undo that close.
                    if (peer == ZeekEndpointState.Reset && peerPrev == ZeekEndpointState.Closed)
                        Set(ref peer, ref peerPrev, ZeekEndpointState.Closed);
                }
                if (s.Rst)
                    Set(ref me, ref mePrev, ZeekEndpointState.Reset);
                break;

            case ZeekEndpointState.Closed:
                // Both ends had closed: a late reset does not change how the connection ended.
                if (s.Rst && peer != ZeekEndpointState.Closed)
                    Set(ref me, ref mePrev, ZeekEndpointState.Reset);
                break;

            case ZeekEndpointState.Reset:
                break;
        }
    }
}
