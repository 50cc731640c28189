using System.Buffers.Binary;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Fuzz.Targets;

/// <summary>
/// The IP layer beneath the connection, driven by the fuzzer: a segment of the live connection cut into fragments
/// whose boundaries, overlaps, repeats, order and identification the input chooses (RFC 791/815 reassembly, RFC 5722
/// overlap rule); ICMP errors quoting the connection with a sequence number in or out of the flight and any MTU
/// (RFC 5927 §4.1 checks, RFC 1191 path MTU); echo requests of any size (answered, fragmented when large).
/// </summary>
internal static partial class StackTarget
{
    private static void IpStep(ref FuzzInput input, NetStack stack, World world, SeqNum peerNxt, SeqNum ourNxt)
    {
        switch (input.Byte() % 3)
        {
            case 0:
                Fragments(ref input, stack, world, peerNxt, ourNxt);
                break;
            case 1:
                IcmpError(ref input, stack, world, ourNxt);
                break;
            default:
                int length = input.Byte() * 16;
                var echo = new byte[Ipv4Packet.MinHeaderLength + IcmpV4Packet.HeaderLength + length];
                IcmpV4Packet.WriteEcho(echo.AsSpan(Ipv4Packet.MinHeaderLength), false, input.UInt16(), input.UInt16(), echo.AsSpan(28, length));
                Ipv4Packet.WriteHeader(echo, new Ipv4HeaderFields { Source = Peer, Destination = Local, Protocol = IpProtocol.Icmp }, IcmpV4Packet.HeaderLength + length);
                stack.Deliver(echo, world.Now);
                break;
        }
    }

    private static void Fragments(ref FuzzInput input, NetStack stack, World world, SeqNum peerNxt, SeqNum ourNxt)
    {
        var h = new TcpHeaderFields { SourcePort = PeerPort, DestinationPort = Port, Seq = peerNxt + input.Int16() % 4096, Ack = ourNxt, Flags = TcpFlags.Ack | TcpFlags.Psh, Window = 65535 };
        int payloadLength = input.Byte() * 8;
        var payload = new byte[payloadLength];
        payload.AsSpan().Fill(0x3C);
        var whole = new byte[IpPacket.TcpPacketLength(Peer, h.Options, payloadLength)];
        IpPacket.WriteTcp(whole, Peer, Local, h, payload);
        var data = whole.AsSpan(Ipv4Packet.MinHeaderLength);
        ushort id = (ushort)(input.Byte() % 4);
        int pieces = 1 + input.Byte() % 8;
        for (int i = 0; i < pieces && !input.End; i++)
        {
            // Offsets and lengths in 8-byte blocks chosen by the input: gaps, overlaps and repeats all happen.
            int offset = Math.Min(input.Byte() % 64 * 8, data.Length);
            int length = Math.Min(1 + input.Byte() % 64 * 8, data.Length - offset);
            bool more = offset + length < data.Length ? input.Byte() % 4 != 0 : input.Byte() % 4 == 0;
            var fragment = new byte[Ipv4Packet.MinHeaderLength + length];
            Ipv4Packet.WriteHeader(fragment, new Ipv4HeaderFields { Source = Peer, Destination = Local, Protocol = IpProtocol.Tcp, Identification = id }, length);
            BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(6), (ushort)((more ? 0x2000 : 0) | (offset >> 3)));
            fragment[10] = fragment[11] = 0;
            BinaryPrimitives.WriteUInt16BigEndian(fragment.AsSpan(10), Checksum.Compute(fragment.AsSpan(0, Ipv4Packet.MinHeaderLength)));
            data.Slice(offset, length).CopyTo(fragment.AsSpan(Ipv4Packet.MinHeaderLength));
            stack.Deliver(fragment, world.Now);
        }
    }

    private static void IcmpError(ref FuzzInput input, NetStack stack, World world, SeqNum ourNxt)
    {
        // The quoted segment: ours to the peer, its sequence number near SND.NXT (inside the flight or not).
        var quoted = new TcpHeaderFields { SourcePort = Port, DestinationPort = input.Byte() % 8 == 0 ? (ushort)(PeerPort + 1) : PeerPort, Seq = ourNxt - input.Int16(), Flags = TcpFlags.Ack, Window = 1 };
        var original = new byte[IpPacket.TcpPacketLength(Local, quoted.Options, 0)];
        IpPacket.WriteTcp(original, Local, Peer, quoted, []);
        int quoteLength = Math.Min(original.Length, 20 + input.Byte() % 24);
        var message = new byte[Ipv4Packet.MinHeaderLength + IcmpV4Packet.HeaderLength + quoteLength];
        var icmp = message.AsSpan(Ipv4Packet.MinHeaderLength);
        byte kind = input.Byte();
        if (kind % 4 == 0)
            IcmpV4Packet.WriteFragmentationNeeded(icmp, input.UInt16(), original.AsSpan(0, quoteLength));
        else if (kind % 4 == 1)
            IcmpV4Packet.WriteTimeExceeded(icmp, (byte)(input.Byte() % 2), original.AsSpan(0, quoteLength));
        else
            IcmpV4Packet.WriteDestinationUnreachable(icmp, (byte)(input.Byte() % 16), original.AsSpan(0, quoteLength));
        Ipv4Packet.WriteHeader(message, new Ipv4HeaderFields { Source = input.Byte() % 2 == 0 ? Peer : IpAddress.V4(192, 0, 2, 1), Destination = Local, Protocol = IpProtocol.Icmp }, message.Length - Ipv4Packet.MinHeaderLength);
        stack.Deliver(message, world.Now);
    }
}
