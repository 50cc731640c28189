using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using SynAck.Links;
using SynAck.Simulation;
using SynAck.Sockets;
using SynAck.Tcp;
using SynAck.Tests.Simulation.Fakes;
using SynAck.Tests.Sockets;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Links;

public sealed class SimulatedLinkTests
{
    private static readonly IpAddress RealAddress = IpAddress.V4(192, 0, 2, 1);
    private static readonly IpAddress SimAddress = IpAddress.V4(192, 0, 2, 2);
    private static readonly LinkProfile FiveMs = new() { Latency = Duration.FromMilliseconds(5L) };

    /// <summary>A whole TCP/IPv4 packet from <paramref name="src"/> to <paramref name="dst"/> carrying <paramref name="payload"/>.</summary>
    private static byte[] Packet(IpAddress src, IpAddress dst, uint seq, ReadOnlySpan<byte> payload)
    {
        var h = new TcpHeaderFields
        {
            SourcePort = 1000,
            DestinationPort = 2000,
            Seq = new SeqNum(seq),
            Flags = TcpFlags.Ack | TcpFlags.Psh,
            Window = 1000,
        };
        var buffer = new byte[1500];
        int n = IpPacket.WriteTcp(buffer, src, dst, h, payload);
        return buffer[..n];
    }

    [Fact]
    public void PacketsFromASimulatedHostArriveInOrderOnlyOnceTheLatencyHasPassedOnTheLinksClock()
    {
        var clock = new ManualTimeProvider();
        var network = new Network(seed: 1);
        using var link = new SimulatedLink(network, "real", RealAddress, clock);
        network.AddHost("sim", SimAddress, new ScriptedHost());
        network.Connect("real", "sim", FiveMs);
        var first = Packet(SimAddress, RealAddress, 1, "first"u8);
        var second = Packet(SimAddress, RealAddress, 6, "second"u8);
        network.InjectAt(Instant.FromMilliseconds(1), "sim", first);
        network.InjectAt(Instant.FromMilliseconds(2), "sim", second);
        var buffer = new byte[link.Mtu];

        clock.AdvanceNanoseconds(5_999_999); // 1 ns before the first packet is due (sent at 1 ms, 5 ms on the wire)
        Assert.Equal(LinkWaitResult.TimedOut, link.Wait(TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.False(link.TryReceive(buffer, out _));

        clock.AdvanceNanoseconds(1);
        Assert.Equal(LinkWaitResult.Readable, link.Wait(TimeSpan.Zero, TestContext.Current.CancellationToken));
        Assert.True(link.TryReceive(buffer, out int n));
        Assert.Equal(first, buffer[..n]);
        Assert.False(link.TryReceive(buffer, out _));
        Assert.Equal(Instant.FromMilliseconds(6), network.Now);

        clock.AdvanceNanoseconds(1_000_000);
        Assert.True(link.TryReceive(buffer, out n));
        Assert.Equal(second, buffer[..n]);
        Assert.Equal(2, link.Counters.PacketsReceived);
    }

    [Fact]
    public void APacketSentOnTheLinkLeavesAtTheLinksVirtualTimeAndReachesTheSimulatedHostAfterTheLatency()
    {
        var clock = new ManualTimeProvider();
        var network = new Network(seed: 2);
        using var link = new SimulatedLink(network, "real", RealAddress, clock);
        var sim = new ScriptedHost();
        network.AddHost("sim", SimAddress, sim);
        network.Connect("real", "sim", FiveMs);
        var packet = Packet(RealAddress, SimAddress, 1, "hello"u8);

        clock.AdvanceNanoseconds(3_000_000);
        Assert.True(link.TrySend(packet));
        Assert.Empty(sim.Received);

        clock.AdvanceNanoseconds(4_999_999);
        link.Wait(TimeSpan.Zero, TestContext.Current.CancellationToken);
        Assert.Empty(sim.Received);

        clock.AdvanceNanoseconds(1);
        link.Wait(TimeSpan.Zero, TestContext.Current.CancellationToken);
        var (at, received) = Assert.Single(sim.Received);
        Assert.Equal(Instant.FromMilliseconds(8), at);
        Assert.Equal(packet, received);
        Assert.Equal(1, link.Counters.PacketsSent);
    }

    [Fact]
    public void TooLongPacketsAreRefused()
    {
        var network = new Network(seed: 3);
        using var link = new SimulatedLink(network, "real", RealAddress, new ManualTimeProvider(), mtu: 576);
        Assert.False(link.TrySend(new byte[577]));
        Assert.False(link.TrySend([]));
        Assert.Equal(2, link.Counters.SendsRefused);
    }

    [Fact]
    public void InRealTimeAWaitEndsWithThePacketNoSoonerThanTheLatency()
    {
        // Started before the link, whose virtual clock counts from its creation: the watch can only read more.
        var watch = Stopwatch.StartNew();
        var network = new Network(seed: 4);
        using var link = new SimulatedLink(network, "real", RealAddress);
        network.AddHost("sim", SimAddress, new ScriptedHost());
        network.Connect("real", "sim", FiveMs);
        var packet = Packet(SimAddress, RealAddress, 1, "ping"u8);
        network.InjectAt(network.Now, "sim", packet); // leaves at virtual 0, the link's creation

        var result = link.Wait(HostPair.Limit, TestContext.Current.CancellationToken);
        watch.Stop();

        Assert.Equal(LinkWaitResult.Readable, result);
        var buffer = new byte[link.Mtu];
        Assert.True(link.TryReceive(buffer, out int n));
        Assert.Equal(packet, buffer[..n]);
        // Virtual time never runs ahead of the real clock, so the wait cannot have been shorter than the latency.
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(5), $"arrived after {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public void WakeFromAnotherThreadEndsAnInfiniteWait()
    {
        var network = new Network(seed: 5);
        using var link = new SimulatedLink(network, "real", RealAddress);
        using var wakeAfterWaitStarts = new Timer(_ => link.Wake(), null, 20, Timeout.Infinite);
        Assert.Equal(LinkWaitResult.Woken, link.Wait(Timeout.InfiniteTimeSpan, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task ARealTimeHostEchoesOneMebibyteThroughASimulatedServerAcrossALossyLink()
    {
        var network = new Network(seed: 6);
        var link = new SimulatedLink(network, "client", RealAddress);
        var server = new SimEchoServer(SimAddress, seed: 2);
        network.AddHost("server", SimAddress, server);
        network.Connect("client", "server", new LinkProfile { Latency = Duration.FromMilliseconds(5L), Loss = 0.01 });
        var data = new byte[1 << 20];
        new Random(6).NextBytes(data);

        var host = new SynAckHost(link, RealAddress, new SynAckHostOptions { Seed = 1, ShutdownGrace = TimeSpan.FromMilliseconds(200) });
        byte[] echoed = [];
        TimeoutException? stalled = null;
        await using (host)
        {
            try
            {
                var connection = await host.ConnectAsync(new IPEndPoint(SimAddress.ToIPAddress(), SimEchoServer.Port), HostPair.Ct).Within();
                await using (connection)
                {
                    var reading = Bounded.ReadToEndAsync(connection);
                    for (int offset = 0; offset < data.Length; offset += 16 * 1024)
                        await connection.WriteAsync(data.AsMemory(offset, 16 * 1024), HostPair.Ct).Within();
                    connection.CompleteWrites();
                    echoed = await reading.Within();
                }
            }
            catch (TimeoutException e)
            {
                stalled = e;
            }
        }

        // The host's loop has stopped: the network is ours to read now.
        if (stalled is not null)
        {
            Assert.Fail($"stalled at virtual {network.Now}: network {network.Counters}; link {link.Counters}, {link.InboundDropped} dropped inbound; "
                + $"server echoed {server.BytesEchoed} B, closed {server.Closed}, connections {server.Stack.ConnectionCount}, retransmitted {server.Stack.Counters.RetransSegs}, timeouts {server.Stack.Counters.Timeouts}; "
                + $"client retransmitted {host.Stack.Counters.RetransSegs}, timeouts {host.Stack.Counters.Timeouts}, drops {host.Stack.Counters.TotalDrops}");
        }
        Assert.Equal(data.Length, echoed.Length);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(echoed));
        Assert.True(server.Closed);
        Assert.True(network.Counters.Dropped(SimReason.Loss) > 0, "the link lost nothing, so recovery was not exercised");
    }
}
