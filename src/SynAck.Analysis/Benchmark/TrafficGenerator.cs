using SynAck.Capture;
using SynAck.Wire;

namespace SynAck.Analysis.Benchmark;

/// <summary>
/// Writes a pcap (raw IP, nanosecond stamps) of many interleaved, realistic TCP connections — handshakes with
/// Linux's options, request/response exchanges, windows of data with ACKs, losses with duplicate ACKs and fast or
/// timeout retransmissions, unanswered and refused SYNs, FIN closes from either side, resets — until the file
/// reaches a target size; then the connections in progress close (a few hundred more packets). Streaming: memory is one window of segments per concurrent connection. The same seed
/// writes the same bytes.
/// </summary>
internal sealed class TrafficGenerator
{
    /// <summary>14 November 2023, 22:13:20 UTC: a plausible capture date.</summary>
    public const long StartNanoseconds = 1_700_000_000_000_000_000;

    private const int FileHeader = 24, RecordHeader = 16;
    private static readonly byte[] Payload = MakePayload();

    private readonly TrafficProfile _profile;
    private readonly TrafficRandom _rng;
    private readonly IpAddress[] _clientsV4, _clientsV6, _serversV4, _serversV6;
    private readonly ushort[] _nextPort;

    public TrafficGenerator(ulong seed, TrafficProfile? profile = null)
    {
        _profile = profile ?? new TrafficProfile();
        _rng = new TrafficRandom(seed);
        int clients = Math.Clamp(_profile.Clients, 1, 65536);
        _clientsV4 = new IpAddress[clients];
        _clientsV6 = new IpAddress[clients];
        _nextPort = new ushort[clients];
        Span<byte> v6 = stackalloc byte[16];
        for (int c = 0; c < clients; c++)
        {
            _clientsV4[c] = IpAddress.V4(10, 1, (byte)(c >> 8), (byte)c);
            v6.Clear();
            v6[0] = 0xfd;
            v6[3] = 1;
            v6[14] = (byte)(c >> 8);
            v6[15] = (byte)c;
            _clientsV6[c] = IpAddress.V6(v6);
            _nextPort[c] = (ushort)_rng.Next(32768, 61000);
        }
        _serversV4 = [.. Enumerable.Range(1, 8).Select(i => IpAddress.V4(10, 0, 0, (byte)i))];
        _serversV6 = new IpAddress[2];
        for (int i = 0; i < _serversV6.Length; i++)
        {
            v6.Clear();
            v6[0] = 0xfd;
            v6[15] = (byte)(i + 1);
            _serversV6[i] = IpAddress.V6(v6);
        }
    }

    /// <summary>
    /// Writes connections to <paramref name="output"/> until it holds at least <paramref name="targetBytes"/>; the
    /// connections in progress then close, so the file is a little larger. <paramref name="progress"/>
    /// hears the bytes written now and then.
    /// </summary>
    public TrafficTotals Write(Stream output, long targetBytes, Action<long>? progress = null)
    {
        var totals = new TrafficTotals();
        var buffer = new byte[2048];
        long bytes = FileHeader, packets = 0, payload = 0, last = StartNanoseconds;
        bool windingDown = false;
        using (var writer = new PcapWriter(output, LinkType.Raw, nanosecond: true, leaveOpen: true))
        {
            var queue = new PriorityQueue<GeneratedFlow, (long Time, int Id)>(_profile.Concurrency);
            for (int i = 0; i < _profile.Concurrency; i++)
            {
                var flow = new GeneratedFlow(i, _profile, _rng, totals);
                flow.Start(StartNanoseconds + _rng.Next(0L, 1_000_000_000L), NextEndpoints()); // the slots open during the first second
                queue.Enqueue(flow, (flow.NextTime, flow.Id));
            }
            var header = new TcpHeaderFields();
            while (queue.TryDequeue(out var flow, out var key))
            {
                ref readonly var s = ref flow.Current;
                var e = flow.Endpoints;
                header.SourcePort = s.FromClient ? e.ClientPort : e.ServerPort;
                header.DestinationPort = s.FromClient ? e.ServerPort : e.ClientPort;
                header.Seq = new SeqNum(s.Seq);
                header.Ack = new SeqNum(s.Ack);
                header.Flags = s.Flags;
                GeneratedFlow.Describe(s, ref header);
                int n = s.FromClient
                    ? IpPacket.WriteTcp(buffer, e.Client, e.Server, header, Payload.AsSpan(0, s.Length))
                    : IpPacket.WriteTcp(buffer, e.Server, e.Client, header, Payload.AsSpan(0, s.Length));
                writer.WritePacket(key.Time, buffer.AsSpan(0, n));
                last = key.Time;
                packets++;
                payload += s.Length;
                bytes += RecordHeader + n;
                if ((packets & 0xFFFF) == 0)
                    progress?.Invoke(bytes);

                if (bytes >= targetBytes && !windingDown)
                {
                    // Enough: the connections in progress close now instead of sending the rest of their data.
                    windingDown = true;
                    flow.WindDown();
                    foreach (var (other, _) in queue.UnorderedItems)
                        other.WindDown();
                }
                if (flow.Advance())
                    queue.Enqueue(flow, (flow.NextTime, flow.Id));
                else if (!windingDown)
                {
                    flow.Start(key.Time + 1 + _rng.Exponential(_profile.MeanGap.Nanoseconds), NextEndpoints());
                    queue.Enqueue(flow, (flow.NextTime, flow.Id));
                }
            }
        }
        progress?.Invoke(bytes);
        totals.Bytes = bytes;
        totals.Packets = packets;
        totals.PayloadBytes = payload;
        totals.SpanNanoseconds = last - StartNanoseconds;
        return totals;
    }

    private FlowEndpoints NextEndpoints()
    {
        int c = _rng.Next(0, _clientsV4.Length);
        ushort port = _nextPort[c];
        _nextPort[c] = port >= 60999 ? (ushort)32768 : (ushort)(port + 1);
        bool v6 = _rng.Chance(_profile.Ipv6);
        var server = v6 ? _serversV6[_rng.Next(0, _serversV6.Length)] : _serversV4[_rng.Next(0, _serversV4.Length)];
        return new FlowEndpoints(v6 ? _clientsV6[c] : _clientsV4[c], port, server, _rng.Chance(0.8) ? (ushort)443 : (ushort)80);
    }

    private static byte[] MakePayload()
    {
        var text = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"u8;
        var p = new byte[GeneratedFlow.Mss];
        for (int i = 0; i < p.Length; i++)
            p[i] = i < text.Length ? text[i] : (byte)('a' + i % 26);
        return p;
    }
}
