using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// Initial sequence numbers per RFC 6528 §3: ISN = M + F(localip, localport, remoteip, remoteport, secretkey),
/// where M is a clock ticking every 4 µs (taken from the <c>now</c> handed in) and F is SipHash-2-4 keyed with
/// a secret handed in. Different 4-tuples get unrelated sequence spaces; one 4-tuple's ISNs still climb with
/// time, which is what lets TIME-WAIT and RFC 6191 tell a new incarnation from an old one.
/// </summary>
internal sealed class IsnGenerator
{
    private readonly SipHash _f;

    public IsnGenerator(SipHash f) => _f = f;

    /// <summary>The secret key, which SYN cookies (RFC 4987) use too, with their own input.</summary>
    public SipHash Key => _f;

    public SeqNum Next(in ConnectionId id, Instant now)
    {
        Span<byte> buf = stackalloc byte[ConnectionId.MaxEncodedLength];
        int n = id.WriteTo(buf);
        uint f = (uint)_f.Hash(buf[..n]);
        uint m = unchecked((uint)(now.Nanoseconds / 4000));
        return new SeqNum(unchecked(m + f));
    }
}
