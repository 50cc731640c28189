namespace SynAck.Tcp;

/// <summary>What an ICMP or ICMPv6 error tells a TCP connection, once the stack has checked the quote.</summary>
internal enum IcmpErrorKind : byte
{
    /// <summary>Fragmentation needed with DF (RFC 1191) or packet too big (RFC 8201): the path MTU is smaller.</summary>
    PathMtu,

    /// <summary>Port or protocol unreachable: nothing at the peer takes TCP there (Linux: ECONNREFUSED / ENOPROTOOPT).</summary>
    Refused,

    /// <summary>Network or host unreachable (any other unreachable code), time exceeded, parameter problem.</summary>
    Unreachable,
}
