namespace SynAck.Wire;

/// <summary>ICMPv6 message types this layer knows (RFC 4443 §2.1).</summary>
public enum IcmpV6Type : byte
{
    DestinationUnreachable = 1,
    PacketTooBig = 2,
    TimeExceeded = 3,
    ParameterProblem = 4,
    EchoRequest = 128,
    EchoReply = 129,
}
