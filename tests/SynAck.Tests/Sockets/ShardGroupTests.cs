using SynAck.Sockets;
using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Tests.Sockets;

/// <summary>Which shard owns a flow: decided from the packet alone, the same for every packet of the flow.</summary>
public sealed class ShardGroupTests
{
    private static byte[] Packet(ushort remotePort, ushort localPort, TcpFlags flags, bool v6 = false)
    {
        var h = new TcpHeaderFields { SourcePort = remotePort, DestinationPort = localPort, Seq = new SeqNum(1), Ack = new SeqNum(2), Flags = flags, Window = 100 };
        var buffer = new byte[200];
        int n = v6
            ? IpPacket.WriteTcp(buffer, IpAddress.Parse("2001:2::1"), IpAddress.Parse("2001:2::2"), h, [1, 2, 3])
            : IpPacket.WriteTcp(buffer, IpAddress.V4(198, 18, 0, 1), IpAddress.V4(198, 18, 0, 2), h, [1, 2, 3]);
        return buffer[..n];
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void AnEphemeralPortBelongsToTheShardOfItsClassAndEveryShardChoosesInItsOwn(int count)
    {
        var group = new ShardGroup(count);
        for (int shard = 0; shard < count; shard++)
        {
            for (ulong r = 0; r < 50; r++)
            {
                ushort port = group.ChoosePort(shard, r * 7919, _ => true);
                Assert.InRange(port, ShardGroup.EphemeralMin, ShardGroup.EphemeralMax);
                Assert.Equal(shard, port % count);
                Assert.Equal(shard, group.OwnerOf(Packet(6000, port, TcpFlags.Ack)));
            }
        }
        Assert.Equal(0, group.ChoosePort(1, 5, _ => false));
    }

    [Fact]
    public void AListeningPortsFlowsSpreadByHashAndEachFlowStaysWithItsOwner()
    {
        var group = new ShardGroup(2);
        group.MarkListening(40000); // inside the ephemeral range, but listened on: owned by hash
        var owners = new HashSet<int>();
        for (ushort remote = 1000; remote < 1064; remote++)
        {
            int owner = group.OwnerOf(Packet(remote, 40000, TcpFlags.Syn));
            Assert.Equal(owner, group.OwnerOf(Packet(remote, 40000, TcpFlags.Ack)));
            owners.Add(owner);
        }
        Assert.Equal([0, 1], owners.Order());
        Assert.InRange(group.OwnerOf(Packet(1000, 5000, TcpFlags.Syn, v6: true)), 0, 1);
        Assert.Equal(-1, group.OwnerOf([0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2])); // UDP: the reader keeps it
    }
}
