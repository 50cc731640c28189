using SynAck.Simulation;
using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Tcp.Congestion;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Analysis.Benchmark.Goodput;

/// <summary>
/// The goodput table (issue G item 7): one bulk transfer per cell between two SynAck stacks on the simulator, in
/// virtual time, on a 100 Mbit/s path with a one-BDP drop-tail queue and random loss of data segments. Each cell has its
/// own seed, derived from the table's seed and the cell's position, so a run is the same every time.
/// </summary>
internal static class GoodputTable
{
    /// <summary>The bottleneck's rate.</summary>
    public const long LinkBitsPerSecond = 100_000_000;

    public static readonly double[] LossRates = [0, 0.001, 0.01, 0.05];
    public static readonly int[] RttsMs = [1, 20, 100];

    private static readonly IpAddress s_client = IpAddress.V4(198, 18, 0, 1);
    private static readonly IpAddress s_server = IpAddress.V4(198, 18, 0, 2);

    /// <summary>Every cell, in the table's order: loss, then RTT, then algorithm (NewReno first), then SACK on before off.</summary>
    public static IReadOnlyList<GoodputCell> Cells()
    {
        var cells = new List<GoodputCell>();
        foreach (double loss in LossRates)
        {
            foreach (int rtt in RttsMs)
            {
                foreach (var cc in (CongestionAlgorithm[])[CongestionAlgorithm.NewReno, CongestionAlgorithm.Cubic])
                {
                    cells.Add(new GoodputCell(loss, rtt, cc, true));
                    cells.Add(new GoodputCell(loss, rtt, cc, false));
                }
            }
        }
        return cells;
    }

    /// <summary>
    /// Segments per cell: enough for about 40 losses at the cell's loss rate, within [2,000, 40,000] (about 2.8 to 56 MiB
    /// of 1,448-byte segments); 8,000 without loss. <paramref name="scale"/> multiplies it (a quick run for tests).
    /// </summary>
    public static long BytesFor(double loss, double scale = 1)
    {
        long segments = loss <= 0 ? 8_000 : (long)Math.Clamp(40 / loss, 2_000, 40_000);
        return (long)(segments * scale) * 1448;
    }

    public static IReadOnlyList<GoodputMeasurement> Run(ulong seed, double scale = 1, Func<GoodputCell, bool>? only = null, Action<int, int>? progress = null)
    {
        var cells = Cells();
        var results = new List<GoodputMeasurement>();
        for (int i = 0; i < cells.Count; i++)
        {
            if (only is null || only(cells[i]))
                results.Add(Measure(cells[i], BytesFor(cells[i].Loss, scale), seed * 1000 + (ulong)i));
            progress?.Invoke(i + 1, cells.Count);
        }
        return results;
    }

    /// <summary>One transfer of <paramref name="bytes"/> from client to server over the cell's path.</summary>
    public static GoodputMeasurement Measure(GoodputCell cell, long bytes, ulong seed)
    {
        var oneWay = Duration.FromMicroseconds(cell.RttMs * 500L);
        long bdpBytes = LinkBitsPerSecond / 8 * cell.RttMs / 1000;
        var toServer = new LinkProfile
        {
            Latency = oneWay,
            BandwidthBitsPerSecond = LinkBitsPerSecond,
            QueueLimitBytes = (int)Math.Max(bdpBytes, 64 * 1024),
            Loss = cell.Loss,
        };
        var toClient = toServer with { Loss = 0 };
        var settings = new TcpSettings
        {
            CongestionControl = cell.Algorithm,
            Sack = cell.Sack,
            SendBufferSize = 4 << 20,
            ReceiveBufferSize = 4 << 20,
        };
        var net = new Network(seed);
        var client = new NetStack(s_client, settings, new SplitMix64Random(seed * 2 + 1), Key(seed, 1));
        var server = new NetStack(s_server, settings, new SplitMix64Random(seed * 2 + 2), Key(seed, 2));
        net.AddHost("client", s_client, client);
        net.AddHost("server", s_server, server);
        net.Connect("client", "server", toServer, toClient);
        var duplicates = new DuplicateDeliveryCounter("server");
        net.AddObserver(duplicates);

        server.Listen(80);
        var c = client.Connect(s_server, 80, net.Now);
        TcpHandle s = default;
        if (!net.RunUntil(() => client.State(c) == TcpState.Established && server.TryAccept(80, out s), net.Now + Duration.FromSeconds(30)))
            throw new InvalidOperationException($"goodput cell {cell}: the connection did not open");

        var chunk = new byte[64 * 1024];
        var sink = new byte[256 * 1024];
        long sent = 0, received = 0;
        long quarter = bytes / 4;
        Instant start = net.Now;
        Instant quarterAt = Instant.MaxValue;
        long atQuarter = 0;
        bool done = net.RunUntil(() =>
        {
            while (sent < bytes)
            {
                int n = client.Send(c, chunk.AsSpan(0, (int)Math.Min(chunk.Length, bytes - sent)), net.Now);
                if (n == 0)
                    break;
                sent += n;
            }
            int got;
            while ((got = server.Receive(s, sink, net.Now)) > 0)
                received += got;
            if (received >= quarter && quarterAt == Instant.MaxValue)
            {
                quarterAt = net.Now;
                atQuarter = received;
            }
            return received >= bytes;
        }, net.Now + Duration.FromSeconds(3600));
        if (!done)
            throw new InvalidOperationException($"goodput cell {cell}: {received} of {bytes} bytes arrived in an hour of virtual time");

        double steadySeconds = (net.Now - quarterAt).TotalSeconds;
        double goodput = steadySeconds > 0 ? (bytes - atQuarter) * 8 / steadySeconds / 1e6 : 0;
        double predicted = Math.Min(ResponseFunction.BitsPerSecond(cell.Algorithm, cell.Loss, cell.RttMs / 1000.0, 1448), LinkBitsPerSecond) / 1e6;
        var counters = client.Counters;
        return new GoodputMeasurement(cell, bytes, goodput, predicted, counters.RetransSegs, counters.RetransmissionTimeouts, duplicates.Duplicates, (net.Now - start).TotalSeconds);
    }

    private static byte[] Key(ulong seed, int salt)
    {
        var key = new byte[16];
        new Xoshiro256StarStar(Xoshiro256StarStar.DeriveSeed(seed, "isn" + salt)).NextBytes(key);
        return key;
    }
}
