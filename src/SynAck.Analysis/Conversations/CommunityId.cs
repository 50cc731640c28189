using System.Buffers.Binary;
using System.Security.Cryptography;
using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>
/// The Community ID flow hash, version 1 (github.com/corelight/community-id-spec), which Zeek, Suricata and
/// others print so that one flow can be found across tools: "1:" and the base64 SHA-1 of a seed, the two
/// addresses, the protocol, a zero pad byte and the two ports, the endpoints ordered so that both directions hash alike.
/// </summary>
public static class CommunityId
{
    /// <summary>The Community ID of a flow between two endpoints of <paramref name="protocol"/> (6 for TCP, 17 for UDP...).</summary>
    public static string Compute(IpAddress source, ushort sourcePort, IpAddress destination, ushort destinationPort, byte protocol = 6, ushort seed = 0)
    {
        if (source.IsV6 != destination.IsV6)
            throw new ArgumentException("the addresses are of different IP versions", nameof(destination));
        Span<byte> a = stackalloc byte[16];
        Span<byte> b = stackalloc byte[16];
        int length = source.WriteTo(a);
        destination.WriteTo(b);
        // The ordering puts the smaller (address, port) first, so both directions of a flow give one ID.
        int order = a[..length].SequenceCompareTo(b[..length]);
        if (order > 0 || (order == 0 && sourcePort > destinationPort))
        {
            (source, destination) = (destination, source);
            (sourcePort, destinationPort) = (destinationPort, sourcePort);
            source.WriteTo(a);
            destination.WriteTo(b);
        }
        Span<byte> input = stackalloc byte[2 + 2 * 16 + 2 + 4];
        BinaryPrimitives.WriteUInt16BigEndian(input, seed);
        int at = 2;
        a[..length].CopyTo(input[at..]);
        at += length;
        b[..length].CopyTo(input[at..]);
        at += length;
        input[at++] = protocol;
        input[at++] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(input[at..], sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(input[(at + 2)..], destinationPort);
        at += 4;
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input[..at], hash);
        return "1:" + Convert.ToBase64String(hash);
    }

    /// <summary>The Community ID of a TCP connection.</summary>
    public static string Of(TcpConnection connection)
        => Compute(connection.Originator.Address, connection.Originator.Port, connection.Responder.Address, connection.Responder.Port);
}
