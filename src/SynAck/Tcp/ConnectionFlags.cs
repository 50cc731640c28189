namespace SynAck.Tcp;

/// <summary>
/// A connection's yes/no state packed in one word (one bit each instead of a byte each): each flag backs the
/// <see cref="TcpConnection"/> member of the same name, which says what it means.
/// </summary>
[Flags]
internal enum ConnectionFlags : uint
{
    None = 0,
    FromPassiveOpen = 1u << 0,
    UserClosed = 1u << 1,
    Orphaned = 1u << 2,
    IsReleased = 1u << 3,
    IsDirty = 1u << 4,
    InAcceptQueue = 1u << 5,
    Nagle = 1u << 6,
    FinQueued = 1u << 7,
    FinReceived = 1u << 8,
    WindowScaleOk = 1u << 9,
    TimestampsOk = 1u << 10,
    TsRtoValid = 1u << 11,
    AckNow = 1u << 12,
    ForceProbe = 1u << 13,
    RetransmitFirst = 1u << 14,
    FinPending = 1u << 15,
    SynTimedOut = 1u << 16,
    RttTiming = 1u << 17,
    InRecovery = 1u << 18,
    RecoverValid = 1u << 19,
    HalfOpenCounted = 1u << 20,
    SentData = 1u << 21,
    CwndLimited = 1u << 22,
    CwndUsageStarted = 1u << 23,
    Cork = 1u << 24,
    NaglePush = 1u << 25,
    MoreCork = 1u << 26,
    FinSentAlone = 1u << 27,
    PeerHoldsLoneAck = 1u << 28,
    AckPushed = 1u << 29,
    PeerSpoke = 1u << 30,
    Interactive = 1u << 31,
}
