using System.Diagnostics;
using SynAck.Links;
using SynAck.Wire;

namespace SynAck.Interop.Tests.Links;

/// <summary>The pcapng tap and the fault injector on a real TUN link, with the kernel as the peer.</summary>
public sealed class TunMiddlewareTests : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly string _dir = Directory.CreateTempSubdirectory("synack-links-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void PcapngTakenOnTheTunOpensInTsharkWithGoodChecksumsAndDirections()
    {
        Requirement.RootAndTools("ip", "tshark", Python);
        var file = Path.Combine(_dir, "tun.pcapng");
        using (var net = TunNetwork.Create())
        using (var tap = new PcapTapLink(net.Tun, File.Create(file), leaveInnerOpen: true))
        {
            Assert.True(tap.TrySend(TunLinkTests.EchoRequest(0x7777, 1, "tap me"u8)));
            TunNetwork.ReceiveMatching(tap, p => TunLinkTests.IsProtocolTo(p, IpProtocol.Icmp), Patience, "echo reply");
            using var client = net.Namespace.Start(Python, "-c", """
                import socket, time
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                s.connect_ex(("198.18.0.2", 8080))
                time.sleep(20)
                """);
            try
            {
                TunNetwork.ReceiveMatching(tap, p => TunLinkTests.IsTcpTo(p, 8080), Patience, "SYN");
            }
            finally
            {
                client.Kill();
                client.WaitForExit();
            }
        }

        string[] fields = ["frame.packet_flags_direction", "ip.src", "ip.dst", "ip.proto", "ip.checksum.status",
            "tcp.checksum.status", "icmp.type", "icmp.checksum.status", "_ws.expert.severity"];
        var rows = TsharkFields.Read(file, fields, "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE");
        var v4 = rows.Where(r => r["ip.src"].Length > 0).ToList();
        // Wireshark's checksum status values: 0 Bad, 1 Good, 2 Unverified, 3 Not present.
        Assert.All(v4, r => Assert.Equal("1", r["ip.checksum.status"]));
        Assert.DoesNotContain(rows, r => r["tcp.checksum.status"] == "0" || r["icmp.checksum.status"] == "0");

        var request = Assert.Single(v4, r => r["icmp.type"] == "8");
        Assert.Equal(2, TsharkFields.Number(request["frame.packet_flags_direction"]));
        Assert.Equal("198.18.0.2", request["ip.src"]);
        var reply = Assert.Single(v4, r => r["icmp.type"] == "0");
        Assert.Equal(1, TsharkFields.Number(reply["frame.packet_flags_direction"]));
        Assert.Equal("1", reply["icmp.checksum.status"]);
        var syn = v4.First(r => r["ip.proto"] == "6");
        Assert.Equal(1, TsharkFields.Number(syn["frame.packet_flags_direction"]));
        Assert.Equal("1", syn["tcp.checksum.status"]);
    }

    [Fact]
    public void DuplicatedOutboundEchoRequestGetsTwoReplies()
    {
        Requirement.RootAndTools("ip");
        using var net = TunNetwork.Create();
        using var faults = new FaultInjectingLink(net.Tun, null, new FaultSettings { Duplicate = 1 }, seed: 1, leaveInnerOpen: true);
        Assert.True(faults.TrySend(TunLinkTests.EchoRequest(0x4242, 9, "twice"u8)));

        for (var i = 0; i < 2; i++)
        {
            var reply = TunNetwork.ReceiveMatching(faults, p => TunLinkTests.IsProtocolTo(p, IpProtocol.Icmp), Patience, $"echo reply {i + 1}");
            Assert.Equal(WireStatus.Ok, IpPacket.TryParse(reply, out var ip));
            Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(ip.Payload, out var icmp));
            Assert.Equal((ushort)9, icmp.SequenceNumber);
        }
        Assert.Equal(2, net.Tun.Counters.PacketsSent);
        Assert.Equal(1, faults.Outbound.Duplicated);
    }

    [Fact]
    public void InboundLossDropsExactlyTheCountedReplies()
    {
        Requirement.RootAndTools("ip");
        using var net = TunNetwork.Create();
        using var faults = new FaultInjectingLink(net.Tun, new FaultSettings { Loss = 0.5 }, null, seed: 2024, leaveInnerOpen: true);
        const int Requests = 40;
        for (ushort seq = 0; seq < Requests; seq++)
            Assert.True(faults.TrySend(TunLinkTests.EchoRequest(0x1111, seq, "lossy"u8)));

        var replies = new HashSet<int>();
        var buffer = new byte[faults.Mtu];
        var clock = Stopwatch.StartNew();
        // The namespace has no IPv6, so every packet the injector meets is one of the 40 replies.
        while (faults.Inbound.Packets < Requests && clock.Elapsed < Patience)
        {
            faults.Wait(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken);
            while (faults.TryReceive(buffer, out var n))
            {
                Assert.Equal(WireStatus.Ok, IpPacket.TryParse(buffer.AsSpan(0, n), out var ip));
                Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(ip.Payload, out var icmp));
                Assert.True(replies.Add(icmp.SequenceNumber));
            }
        }
        Assert.Equal(Requests, faults.Inbound.Packets);
        Assert.InRange(faults.Inbound.Lost, 1, Requests - 1);
        Assert.Equal(Requests - faults.Inbound.Lost, replies.Count);
        Assert.Equal(replies.Count, faults.Counters.PacketsReceived);
    }
}
