using SynAck.Simulation;
using SynAck.Tests.Simulation.Fakes;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Simulation;

public sealed class TcpMatchTests
{
    private static Instant Ms(double ms) => Instant.FromMilliseconds(ms);

    private static readonly TcpFlags[] Sequence =
    [
        TcpFlags.Syn,
        TcpFlags.Syn | TcpFlags.Ack,
        TcpFlags.Ack,
        TcpFlags.Psh | TcpFlags.Ack,
        TcpFlags.Fin | TcpFlags.Ack,
        TcpFlags.Ack,
        TcpFlags.Rst | TcpFlags.Ack,
        TcpFlags.Syn,
    ];

    private static Pair SendSequence()
    {
        var pair = new Pair(new LinkProfile { Latency = Duration.FromMilliseconds(1L) });
        for (int i = 0; i < Sequence.Length; i++)
        {
            int len = (Sequence[i] & TcpFlags.Psh) != 0 ? 100 : 0;
            pair.A.SendAt(Ms(i), TcpSegments.Build(Pair.AddressA, Pair.AddressB, Sequence[i], seq: (uint)(1000 + i), payloadLength: len));
        }
        pair.A.SendAt(Ms(20), pair.AToB(99)); // not TCP
        return pair;
    }

    private static TcpFlags[] FlagsAtB(Pair pair)
        => pair.B.Received.Where(r => r.Packet[9] == (byte)IpProtocol.Tcp).Select(r => TcpSegments.FlagsOf(r.Packet)).ToArray();

    [Theory]
    [InlineData("syn", 2)]
    [InlineData("synack", 1)]
    [InlineData("fin", 1)]
    [InlineData("rst", 1)]
    [InlineData("pureack", 2)]
    [InlineData("data", 1)]
    public void CannedMatchesSelectTheSegmentsTheyName(string which, int expected)
    {
        var pair = SendSequence();
        var match = which switch
        {
            "syn" => PacketMatch.Syn("a"),
            "synack" => PacketMatch.SynAck(),
            "fin" => PacketMatch.Fin(),
            "rst" => PacketMatch.Rst(),
            "pureack" => PacketMatch.PureAck(),
            _ => PacketMatch.Data(),
        };
        var rule = pair.Network.AddRule(PacketRule.DropAll(match));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal(expected, rule.Fired);
        Assert.Equal(Sequence.Length - expected, FlagsAtB(pair).Length);
        Assert.Single(pair.B.Received, r => r.Packet[9] != (byte)IpProtocol.Tcp);
    }

    [Fact]
    public void DropTheSecondSynOnly()
    {
        var pair = SendSequence();
        pair.Network.AddRule(PacketRule.DropNth(PacketMatch.Syn(), 2));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal(Sequence[..^1], FlagsAtB(pair));
    }

    [Fact]
    public void PortsAndNotTcpAreMatched()
    {
        var pair = new Pair(LinkProfile.Ideal);
        pair.A.SendAt(Ms(0), TcpSegments.Build(Pair.AddressA, Pair.AddressB, TcpFlags.Ack, dstPort: 80));
        pair.A.SendAt(Ms(0), TcpSegments.Build(Pair.AddressA, Pair.AddressB, TcpFlags.Ack, dstPort: 443));
        pair.A.SendAt(Ms(0), pair.AToB(7));
        var byPort = pair.Network.AddRule(PacketRule.DropAll(new PacketMatch { DestinationPort = 443 }));
        var notTcp = pair.Network.AddRule(PacketRule.DropAll(new PacketMatch { IsTcp = false }));
        pair.Network.RunUntil(Ms(1));

        Assert.Equal(1, byPort.Fired);
        Assert.Equal(1, notTcp.Fired);
        Assert.Single(pair.B.Received);
    }

    [Fact]
    public void PredicateSeesTcpFields()
    {
        var pair = SendSequence();
        var rule = pair.Network.AddRule(PacketRule.DropAll(new PacketMatch { Where = p => p.IsTcp && p.Tcp.Seq == new SeqNum(1003) && p.PayloadLength == 100 }));
        pair.Network.RunUntil(Ms(100));

        Assert.Equal(1, rule.Fired);
    }

    [Fact]
    public void CorruptedSegmentsFailTheReceiversChecksumAndIntactOnesPass()
    {
        const int N = 2_000;
        var pair = new Pair(new LinkProfile { Corruption = 0.3 }, seed: 31, keepPackets: true);
        for (int i = 0; i < N; i++)
            pair.A.SendAt(Ms(i * 0.1), TcpSegments.Build(Pair.AddressA, Pair.AddressB, TcpFlags.Psh | TcpFlags.Ack, seq: (uint)i * 1000, payloadLength: i % 200));
        pair.Network.RunUntil(Ms(N));

        var corrupted = pair.Log.Events.Where(e => e.Kind == SimEventKind.Corrupted).Select(e => e.PacketId).ToHashSet();
        Assert.InRange(corrupted.Count, 500, 700); // mean 600, standard deviation 20.5
        var delivered = pair.Log.Events.Where(e => e.Kind == SimEventKind.Delivered).ToList();
        Assert.Equal(N, delivered.Count);
        int rejected = 0;
        for (int i = 0; i < N; i++)
        {
            var status = TcpSegments.Check(pair.B.Received[i].Packet);
            if (corrupted.Contains(delivered[i].PacketId))
            {
                Assert.NotEqual(WireStatus.Ok, status);
                rejected++;
            }
            else
            {
                Assert.Equal(WireStatus.Ok, status);
            }
        }
        Assert.Equal(corrupted.Count, rejected);
    }
}
