using System.Security.Cryptography;
using SynAck.Simulation;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Tests.Soak;

/// <summary>
/// One end of a soak connection, as an application would drive it: sends its own pseudo-random bytes,
/// reads the peer's, half-closes once everything is queued, and closes once the peer's FIN has been read.
/// Both directions are hashed with SHA-256 so the two ends can be compared at the end.
/// </summary>
internal sealed class SoakPeer
{
    private readonly NetStack _stack;
    private readonly Xoshiro256StarStar _bytes;
    private readonly IncrementalHash _sentHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash _receivedHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _pending = new byte[16 * 1024];
    private int _pendingStart;
    private int _pendingEnd;
    private bool _shutdown;

    private readonly Action _onDone;

    public SoakPeer(NetStack stack, TcpHandle handle, ConnectionId id, long sendTotal, ulong dataSeed, Action onDone)
    {
        _onDone = onDone;
        _stack = stack;
        Handle = handle;
        Id = id;
        SendTotal = sendTotal;
        _bytes = new Xoshiro256StarStar(dataSeed);
    }

    public TcpHandle Handle { get; }

    public ConnectionId Id { get; }

    public long SendTotal { get; }

    public long Sent { get; private set; }

    public long Received { get; private set; }

    public bool PeerFinished { get; private set; }

    /// <summary>Closed by the application after a clean exchange, or failed.</summary>
    public bool Done { get; private set; }

    public TcpError Error { get; private set; }

    /// <summary>An error reported after Close, when the handle had already retired (only as an event).</summary>
    public TcpError LateError { get; set; }

    public byte[]? SentDigest { get; private set; }

    public byte[]? ReceivedDigest { get; private set; }

    public void Pump(Instant now, byte[] buffer)
    {
        if (Done)
            return;
        var error = _stack.Error(Handle);
        if (error != TcpError.None)
        {
            Finish(error);
            return;
        }
        var state = _stack.State(Handle);
        if (state is TcpState.SynSent or TcpState.SynReceived)
            return;
        if (state == TcpState.Closed)
        {
            // Gone without an error and without our Close: only possible if the stack lost the connection.
            Finish(TcpError.None, unexpected: true);
            return;
        }

        int n;
        while ((n = _stack.Receive(Handle, buffer, now)) > 0)
        {
            _receivedHash.AppendData(buffer, 0, n);
            Received += n;
        }
        if (!PeerFinished && _stack.IsReceiveComplete(Handle))
            PeerFinished = true;

        while (Sent < SendTotal)
        {
            if (_pendingStart == _pendingEnd)
            {
                int len = (int)Math.Min(_pending.Length, SendTotal - Sent);
                _bytes.NextBytes(_pending.AsSpan(0, len));
                _pendingStart = 0;
                _pendingEnd = len;
            }
            int accepted = _stack.Send(Handle, _pending.AsSpan(_pendingStart, _pendingEnd - _pendingStart), now);
            if (accepted == 0)
                break;
            _sentHash.AppendData(_pending, _pendingStart, accepted);
            _pendingStart += accepted;
            Sent += accepted;
        }
        if (Sent == SendTotal && !_shutdown)
        {
            _stack.Shutdown(Handle, now);
            _shutdown = true;
        }
        if (_shutdown && PeerFinished)
        {
            _stack.Close(Handle, now);
            Finish(TcpError.None);
        }
    }

    public bool Unexpected { get; private set; }

    /// <summary>Queued for the host's next pump.</summary>
    public bool IsDirty { get; set; }

    private void Finish(TcpError error, bool unexpected = false)
    {
        Done = true;
        _onDone();
        Error = error;
        Unexpected = unexpected;
        SentDigest = _sentHash.GetHashAndReset();
        ReceivedDigest = _receivedHash.GetHashAndReset();
    }

    public override string ToString()
        => $"{Id} state={(_stack.State(Handle))} sent={Sent}/{SendTotal} received={Received} peerFin={PeerFinished} shutdown={_shutdown} done={Done} error={Error} late={LateError}";
}
