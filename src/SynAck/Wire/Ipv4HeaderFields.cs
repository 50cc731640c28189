namespace SynAck.Wire;

/// <summary>The fields of an IPv4 header (RFC 791 §3.1) to write with <see cref="Ipv4Packet.WriteHeader"/>.</summary>
public struct Ipv4HeaderFields
{
    public IpAddress Source;
    public IpAddress Destination;
    public IpProtocol Protocol;

    /// <summary>Time to live; 0 means the default of 64.</summary>
    public byte Ttl;
    public ushort Identification;

    /// <summary>The DF bit, set for TCP so path MTU discovery works (RFC 1191).</summary>
    public bool DontFragment;

    /// <summary>The DSCP/ECN byte (formerly type of service).</summary>
    public byte Tos;
}
