namespace SynAck.Wire;

/// <summary>ICMPv4 message types this layer knows (RFC 792).</summary>
public enum IcmpV4Type : byte
{
    EchoReply = 0,
    DestinationUnreachable = 3,
    SourceQuench = 4,
    Redirect = 5,
    EchoRequest = 8,
    TimeExceeded = 11,
    ParameterProblem = 12,
}
