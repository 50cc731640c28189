namespace SynAck.Tcp;

/// <summary>
/// The ACK of a short segment sent when the application has read it (<see cref="TcpSettings.AckPushedOnRead"/>, as
/// Linux's <c>tcp_cleanup_rbuf</c> does with <c>ICSK_ACK_PUSHED</c>). RFC 9293 §3.8.6.3 makes delaying an ACK a SHOULD
/// and allows an earlier one; the delay is there to carry the ACK on an answer or to cover a second segment. A short
/// segment is the end of what the peer wrote, so no second segment is coming, and when this side has not been answering
/// the peer's data with its own (not interactive), no answer is coming either: waiting only holds the sender up (its
/// tail loss probe, its Nagle queue). Three flags, no other state.
/// </summary>
internal sealed partial class TcpConnection
{
    /// <summary>A delayed ACK is pending for data that ended in a short segment.</summary>
    private bool _ackPushed { get => HasFlag(ConnectionFlags.AckPushed); set => SetFlag(ConnectionFlags.AckPushed, value); }

    /// <summary>In-order data arrived since this side last sent new data.</summary>
    private bool _peerSpoke { get => HasFlag(ConnectionFlags.PeerSpoke); set => SetFlag(ConnectionFlags.PeerSpoke, value); }

    /// <summary>This side answers the peer's data with data (request/response; Linux's ping-pong mode).</summary>
    private bool _interactive { get => HasFlag(ConnectionFlags.Interactive); set => SetFlag(ConnectionFlags.Interactive, value); }

    /// <summary>In-order data whose ACK is delayed: a segment shorter than a full one marks the ACK as pushed.</summary>
    private void NotePushedSegment(int length)
    {
        if (_settings.AckPushedOnRead && length < SndMss)
            _ackPushed = true;
    }

    /// <summary>New data goes out: if the peer's data came since the last, this is an answer, and ACKs ride on answers.</summary>
    private void NoteDataSent()
    {
        if (_peerSpoke)
        {
            _interactive = true;
            _peerSpoke = false;
        }
    }

    /// <summary>The delayed-ACK timer fired: no answer carried the ACK, so the exchange is not interactive (Linux leaves ping-pong mode).</summary>
    private void OnDelayedAckTimeout() => _interactive = false;

    /// <summary>After the application read: whether the pushed ACK goes now (everything read, not interactive).</summary>
    private bool AckPushedReadNow()
        => _ackPushed && !_interactive && _delAckAt != Time.Instant.MaxValue && _recv.Readable == 0;
}
