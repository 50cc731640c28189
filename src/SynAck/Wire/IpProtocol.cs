namespace SynAck.Wire;

/// <summary>
/// IP protocol numbers (the IPv4 Protocol field, RFC 791) and IPv6 Next Header values
/// (RFC 8200 §4), which share one IANA registry.
/// </summary>
public enum IpProtocol : byte
{
    /// <summary>IPv6 Hop-by-Hop Options header (RFC 8200 §4.3).</summary>
    HopByHop = 0,

    /// <summary>ICMP for IPv4 (RFC 792).</summary>
    Icmp = 1,

    /// <summary>TCP (RFC 9293).</summary>
    Tcp = 6,

    /// <summary>UDP (RFC 768).</summary>
    Udp = 17,

    /// <summary>IPv6 Routing header (RFC 8200 §4.4).</summary>
    Routing = 43,

    /// <summary>IPv6 Fragment header (RFC 8200 §4.5).</summary>
    Fragment = 44,

    /// <summary>Encapsulating Security Payload (RFC 4303); opaque to this layer.</summary>
    Esp = 50,

    /// <summary>Authentication Header (RFC 4302).</summary>
    Ah = 51,

    /// <summary>ICMP for IPv6 (RFC 4443).</summary>
    IcmpV6 = 58,

    /// <summary>No upper-layer header follows (RFC 8200 §4.7).</summary>
    NoNextHeader = 59,

    /// <summary>IPv6 Destination Options header (RFC 8200 §4.6).</summary>
    DestinationOptions = 60,
}
