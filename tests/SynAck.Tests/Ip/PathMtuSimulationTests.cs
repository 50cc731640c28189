using System.Buffers.Binary;
using SynAck.Simulation;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Tests.Stack;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tests.Ip;

/// <summary>
/// Path MTU discovery end to end in the simulator: a link whose MTU drops mid-transfer answers with real ICMP
/// (fragmentation needed / packet too big), the sender lowers its segment size and the transfer completes byte-exact;
/// forged ICMP injected on the wire is refused unless it quotes the flight.
/// </summary>
public sealed class PathMtuSimulationTests
{
    private const int Size = 400_000;

    private sealed class Transfer
    {
        public Transfer(bool v6, ulong seed = 1)
        {
            ClientAddress = v6 ? IpAddress.Parse("2001:db8::1") : IpAddress.V4(198, 18, 0, 1);
            ServerAddress = v6 ? IpAddress.Parse("2001:db8::2") : IpAddress.V4(198, 18, 0, 2);
            Network = new Network(seed);
            Client = new NetStack(ClientAddress, TcpSettings.Default, new SplitMix64Random(seed));
            Server = new NetStack(ServerAddress, TcpSettings.Default, new SplitMix64Random(seed + 1));
            Network.AddHost("client", ClientAddress, Client);
            Network.AddHost("server", ServerAddress, Server);
            Network.Connect("client", "server", new LinkProfile { Latency = Duration.FromMilliseconds(5L), BandwidthBitsPerSecond = 50_000_000 });
            Server.Listen(80);
            Data = ConnectedPair.Pattern(Size, 11);
        }

        public IpAddress ClientAddress { get; }

        public IpAddress ServerAddress { get; }

        public Network Network { get; }

        public NetStack Client { get; }

        public NetStack Server { get; }

        public byte[] Data { get; }

        public MemoryStream Received { get; } = new();

        public TcpHandle ClientHandle { get; private set; }

        public TcpConnection ClientConnection => Client.TryGetConnection(Client.GetConnectionId(ClientHandle), out var c) ? c : throw new InvalidOperationException();

        /// <summary>Connects, then pumps the application side every millisecond; <paramref name="onProgress"/> sees the bytes received so far.</summary>
        public bool Run(Action<long>? onProgress = null)
        {
            int sent = 0;
            TcpHandle server = default;
            bool accepted = false;
            var buf = new byte[16384];
            void Pump()
            {
                if (!accepted && Server.TryAccept(80, out server))
                    accepted = true;
                if (sent < Size)
                    sent += Client.Send(ClientHandle, Data.AsSpan(sent), Network.Now);
                if (accepted)
                {
                    int k;
                    while ((k = Server.Receive(server, buf, Network.Now)) > 0)
                        Received.Write(buf, 0, k);
                }
                onProgress?.Invoke(Received.Length);
                if (Received.Length < Size)
                    Network.At(Network.Now + Duration.FromMilliseconds(1L), Pump);
            }
            Network.At(Instant.Zero, () => ClientHandle = Client.Connect(ServerAddress, 80, Network.Now));
            Network.At(Instant.FromMilliseconds(1), Pump);
            return Network.RunUntil(() => Received.Length == Size, Instant.FromMilliseconds(60_000));
        }
    }

    [Theory]
    [InlineData(false, 1000)]
    [InlineData(true, 1280)]
    public void A_transfer_completes_byte_exact_when_the_path_mtu_drops_mid_transfer(bool v6, int mtu)
    {
        var t = new Transfer(v6);
        bool lowered = false;
        int mssBefore = 0;
        bool done = t.Run(received =>
        {
            if (!lowered && received > Size / 4)
            {
                lowered = true;
                mssBefore = t.ClientConnection.SndMss;
                t.Network.SetProfile("client", "server", t.Network.Profile("client", "server") with { Mtu = mtu });
            }
        });

        Assert.True(done, $"received {t.Received.Length} of {Size}");
        Assert.Equal(t.Data, t.Received.ToArray());
        Assert.True(t.Network.Counters.Dropped(SimReason.Mtu) > 0);
        Assert.True(t.Client.IpCounters.PathMtuLowered >= 1);
        Assert.Equal(mtu, t.ClientConnection.PathMtu);
        // Timestamps are on: Eff.snd.MSS = MTU − IP header − 20 − 12.
        Assert.Equal(mtu - (v6 ? 40 : 20) - 20 - 12, t.ClientConnection.SndMss);
        Assert.True(mssBefore > t.ClientConnection.SndMss);
    }

    [Fact]
    public void Without_icmp_from_the_link_the_smaller_mtu_is_a_black_hole()
    {
        // The counterfactual: the same drop with SendsPacketTooBig off leaves the sender retrying full-size segments.
        var t = new Transfer(false);
        bool lowered = false;
        bool done = t.Run(received =>
        {
            if (!lowered && received > Size / 4)
            {
                lowered = true;
                t.Network.SetProfile("client", "server", t.Network.Profile("client", "server") with { Mtu = 1000, SendsPacketTooBig = false });
            }
        });
        Assert.False(done);
        Assert.Equal(0, t.Client.IpCounters.PathMtuLowered);
    }

    [Fact]
    public void Forged_fragmentation_needed_is_refused_outside_the_flight_and_taken_inside_it()
    {
        var t = new Transfer(false);
        var attacker = IpAddress.V4(198, 18, 0, 66);
        bool forged = false;
        int mssAtForgery = 0;
        bool done = t.Run(received =>
        {
            if (forged || received < Size / 4)
                return;
            forged = true;
            var c = t.ClientConnection;
            mssAtForgery = c.SndMss;
            // Outside the flight: a sequence number far ahead of SND.NXT. Delivered to the client as if from the path.
            t.Network.DeliverAt(t.Network.Now, "client", FragNeeded(t, attacker, c.SndMax + 100_000, 576));
            // Inside it: SND.UNA, which a blind attacker would have to guess.
            t.Network.DeliverAt(t.Network.Now, "client", FragNeeded(t, attacker, c.SndUna, 1200));
        });

        Assert.True(done);
        Assert.Equal(t.Data, t.Received.ToArray());
        Assert.Equal(1, t.Client.Counters.Drops(TcpDropReason.IcmpSeqOutOfFlight));
        Assert.Equal(1200, t.ClientConnection.PathMtu);
        Assert.Equal(1200 - 20 - 20 - 12, t.ClientConnection.SndMss);
        Assert.True(mssAtForgery > t.ClientConnection.SndMss);
    }

    /// <summary>An ICMP fragmentation needed quoting a client→server TCP header with sequence number <paramref name="seq"/>.</summary>
    private static byte[] FragNeeded(Transfer t, IpAddress from, SeqNum seq, ushort mtu)
    {
        var id = t.Client.GetConnectionId(t.ClientHandle);
        var quoted = IpCraft.Tcp(id.LocalAddress, id.RemoteAddress, new TcpHeaderFields
        {
            SourcePort = id.LocalPort, DestinationPort = id.RemotePort, Seq = seq, Flags = TcpFlags.Ack,
        }, 1400);
        var msg = new byte[20 + IcmpV4Packet.ErrorLength(quoted)];
        IcmpV4Packet.WriteFragmentationNeeded(msg.AsSpan(20), mtu, quoted);
        Ipv4Packet.WriteHeader(msg, new Ipv4HeaderFields { Source = from, Destination = id.LocalAddress, Protocol = IpProtocol.Icmp }, msg.Length - 20);
        Assert.Equal(seq.Value, BinaryPrimitives.ReadUInt32BigEndian(msg.AsSpan(20 + 8 + 24)));
        return msg;
    }
}
