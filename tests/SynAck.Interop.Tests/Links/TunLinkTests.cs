using System.Buffers.Binary;
using System.Text;
using SynAck.Links;
using SynAck.Wire;

namespace SynAck.Interop.Tests.Links;

/// <summary>
/// A TunLink against the Linux kernel in a private namespace: packets the kernel sends to
/// 198.18.0.2 come out of the link, packets written into the link reach the kernel.
/// </summary>
public sealed class TunLinkTests
{
    private const string Python = "/usr/bin/python3";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void KernelTcpSynArrivesOnTheLink()
    {
        Requirement.RootAndTools("ip", Python);
        using var net = TunNetwork.Create();
        // A non-blocking connect: the kernel sends a SYN (and retransmits it) while the script sleeps.
        using var client = net.Namespace.Start(Python, "-c", """
            import socket, time
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex(("198.18.0.2", 4242))
            time.sleep(20)
            """);
        try
        {
            var syn = TunNetwork.ReceiveMatching(net.Tun, p => IsTcpTo(p, 4242), Patience, "TCP SYN to 198.18.0.2:4242");
            Assert.Equal(WireStatus.Ok, IpPacket.TryParse(syn, out var ip));
            Assert.Equal(4, ip.Version);
            Assert.Equal(TunNetwork.KernelAddress, ip.Source);
            Assert.Equal(TunNetwork.SynAckAddress, ip.Destination);
            Assert.Equal(WireStatus.Ok, ip.TryGetTcp(out var tcp, verifyChecksum: true));
            Assert.Equal((ushort)4242, tcp.DestinationPort);
            Assert.Equal(TcpFlags.Syn, tcp.Flags);
            Assert.True(tcp.Options.HasMss);
            // The kernel derives its MSS from the device MTU: 1500 - 20 - 20.
            Assert.Equal((ushort)1460, tcp.Options.Mss);
            Assert.True(net.Tun.Counters.PacketsReceived >= 1);
        }
        finally
        {
            client.Kill();
            client.WaitForExit();
        }
    }

    [Fact]
    public void KernelUdpDatagramArrivesIntact()
    {
        Requirement.RootAndTools("ip", Python);
        using var net = TunNetwork.Create();
        var (code, output) = net.Namespace.Exec(Python, "-c",
            "import socket; socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'hello synack', ('198.18.0.2', 5353))");
        Assert.True(code == 0, output);

        var packet = TunNetwork.ReceiveMatching(net.Tun, p => IsProtocolTo(p, IpProtocol.Udp), Patience, "UDP datagram");
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(packet, out var ip));
        Assert.Equal(TunNetwork.KernelAddress, ip.Source);
        var udp = ip.Payload;
        Assert.Equal(5353, BinaryPrimitives.ReadUInt16BigEndian(udp[2..]));
        Assert.Equal(8 + 12, BinaryPrimitives.ReadUInt16BigEndian(udp[4..]));
        Assert.Equal("hello synack", Encoding.ASCII.GetString(udp[8..]));
    }

    [Fact]
    public void EchoRequestWrittenIntoTheLinkGetsTheKernelsReply()
    {
        Requirement.RootAndTools("ip");
        using var net = TunNetwork.Create();
        var data = Encoding.ASCII.GetBytes("synack ping 0123456789");
        var request = EchoRequest(0x5151, 7, data);
        Assert.True(net.Tun.TrySend(request));

        var reply = TunNetwork.ReceiveMatching(net.Tun, p => IsProtocolTo(p, IpProtocol.Icmp), Patience, "ICMP echo reply");
        Assert.Equal(WireStatus.Ok, IpPacket.TryParse(reply, out var ip));
        Assert.Equal(TunNetwork.KernelAddress, ip.Source);
        Assert.Equal(TunNetwork.SynAckAddress, ip.Destination);
        Assert.Equal(WireStatus.Ok, IcmpV4Packet.TryParse(ip.Payload, out var icmp, verifyChecksum: true));
        Assert.Equal(IcmpV4Type.EchoReply, icmp.Type);
        Assert.Equal((ushort)0x5151, icmp.Identifier);
        Assert.Equal((ushort)7, icmp.SequenceNumber);
        Assert.Equal(data, icmp.Data.ToArray());
        Assert.Equal(1, net.Tun.Counters.PacketsSent);
    }

    [Theory]
    [InlineData(0, 1500)]
    [InlineData(1280, 1280)]
    [InlineData(9000, 9000)]
    public void MtuIsReadFromTheDevice(int requested, int expected)
    {
        Requirement.RootAndTools("ip");
        using var net = TunNetwork.Create(requested);
        Assert.Equal(expected, net.Tun.Mtu);
        var (code, output) = net.Namespace.Exec("ip", "-o", "link", "show", "dev", net.Tun.Name);
        Assert.True(code == 0, output);
        Assert.Contains($" mtu {expected} ", output, StringComparison.Ordinal);
        Assert.Contains("UP", output, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelSideHasItsAddressInTheNamespaceOnly()
    {
        Requirement.RootAndTools("ip");
        using var net = TunNetwork.Create();
        var (_, inside) = net.Namespace.Exec("ip", "-o", "-4", "addr", "show", "dev", net.Tun.Name);
        Assert.Contains("198.18.0.1/24", inside, StringComparison.Ordinal);
        var (_, v6) = net.Namespace.Exec("ip", "-o", "-6", "addr", "show", "dev", net.Tun.Name);
        Assert.Equal("", v6.Trim()); // TunNetwork turns IPv6 off, so the kernel sends nothing unasked
        var outside = NetNamespace.Run("ip", "-o", "link", "show", "dev", net.Tun.Name);
        Assert.NotEqual(0, outside.ExitCode);
    }

    [Fact]
    public void DisposingTheLinkRemovesTheDevice()
    {
        Requirement.RootAndTools("ip");
        using var net = TunNetwork.Create();
        var name = net.Tun.Name;
        net.Tun.Dispose();
        var (code, _) = net.Namespace.Exec("ip", "link", "show", "dev", name);
        Assert.NotEqual(0, code);
        net.Tun.Wake(); // harmless after dispose
    }

    [Fact]
    public void WaitReportsTimedOutWokenAndReadable()
    {
        Requirement.RootAndTools("ip");
        using var net = TunNetwork.Create();
        var buffer = new byte[net.Tun.Mtu];
        Assert.Equal(LinkWaitResult.TimedOut, net.Tun.Wait(TimeSpan.Zero, Ct));
        Assert.False(net.Tun.TryReceive(buffer, out _));

        net.Tun.Wake();
        net.Tun.Wake();
        Assert.Equal(LinkWaitResult.Woken, net.Tun.Wait(Timeout.InfiniteTimeSpan, Ct));

        Assert.True(net.Tun.TrySend(EchoRequest(1, 1, [1, 2, 3])));
        Assert.Equal(LinkWaitResult.Readable, net.Tun.Wait(Patience, Ct));
        Assert.True(net.Tun.TryReceive(buffer, out _));
    }

    [Fact]
    public async Task WakeFromAnotherThreadEndsAnInfiniteWait()
    {
        Requirement.RootAndTools("ip");
        using var net = TunNetwork.Create();
        var ct = Ct;
        var waiting = Task.Factory.StartNew(() =>
        {
            // Readable results here would be the kernel's own chatter; wait until the wake.
            var buffer = new byte[net.Tun.Mtu];
            while (true)
            {
                var r = net.Tun.Wait(Timeout.InfiniteTimeSpan, ct);
                if (r == LinkWaitResult.Woken)
                    return r;
                while (net.Tun.TryReceive(buffer, out _))
                {
                }
            }
        }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        net.Tun.Wake();
        Assert.Equal(LinkWaitResult.Woken, await waiting);
    }

    [Fact]
    public async Task CancellationEndsAWait()
    {
        Requirement.RootAndTools("ip");
        using var net = TunNetwork.Create();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var token = cts.Token;
        var waiting = Task.Factory.StartNew(() =>
        {
            var buffer = new byte[net.Tun.Mtu];
            while (true)
            {
                net.Tun.Wait(Timeout.InfiniteTimeSpan, token);
                while (net.Tun.TryReceive(buffer, out _))
                {
                }
            }
        }, Ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void NotAnIpPacketIsRefusedNotThrown()
    {
        Requirement.RootAndTools("ip");
        using var net = TunNetwork.Create();
        var junk = new byte[40];
        junk[0] = 0x20; // version 2
        Assert.False(net.Tun.TrySend(junk));
        Assert.Equal(1, net.Tun.Counters.SendsRefused);
    }

    internal static byte[] EchoRequest(ushort identifier, ushort sequence, ReadOnlySpan<byte> data)
    {
        var packet = new byte[20 + IcmpV4Packet.HeaderLength + data.Length];
        var icmpLength = IcmpV4Packet.WriteEcho(packet.AsSpan(20), reply: false, identifier, sequence, data);
        var header = new Ipv4HeaderFields
        {
            Source = TunNetwork.SynAckAddress,
            Destination = TunNetwork.KernelAddress,
            Protocol = IpProtocol.Icmp,
            Ttl = 64,
            Identification = sequence,
            DontFragment = true,
        };
        Ipv4Packet.WriteHeader(packet, header, icmpLength);
        return packet;
    }

    internal static bool IsTcpTo(byte[] packet, ushort port)
        => IpPacket.TryParse(packet, out var ip) == WireStatus.Ok
            && ip.Destination == TunNetwork.SynAckAddress
            && ip.TryGetTcp(out var tcp, verifyChecksum: false) == WireStatus.Ok
            && tcp.DestinationPort == port;

    internal static bool IsProtocolTo(byte[] packet, IpProtocol protocol)
        => IpPacket.TryParse(packet, out var ip) == WireStatus.Ok
            && ip.Destination == TunNetwork.SynAckAddress
            && ip.Protocol == protocol;
}
