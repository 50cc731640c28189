using SynAck.Wire;

namespace SynAck.Stack.Ip;

/// <summary>
/// What ties fragments into one datagram: source, destination, identification and, for IPv4, the protocol
/// (RFC 791 §3.2); source, destination and identification for IPv6 (RFC 8200 §4.5).
/// </summary>
internal readonly record struct FragmentKey(IpAddress Source, IpAddress Destination, uint Identification, byte Protocol);
