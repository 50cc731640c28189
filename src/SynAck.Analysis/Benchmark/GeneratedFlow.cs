using SynAck.Wire;

namespace SynAck.Analysis.Benchmark;

/// <summary>
/// One generated connection, planned a phase at a time (handshake, request, one window of response data,
/// close) so a slot holds at most one window of segments. The capture point is the server's side: the
/// server's segments are stamped when they leave, the client's when they arrive, so a client reacts one RTT
/// after the server's segment and the server within <c>_delay</c> of the client's.
/// </summary>
internal sealed class GeneratedFlow
{
    public const int Mss = 1448;
    private const long Ms = 1_000_000;
    private const ushort ClientWindow = 2000; // × 2^7: 256 kB
    private const ushort ServerWindow = 502;
    private const byte Scale = 7;
    private static readonly Comparison<PlannedSegment> ByTime = (a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.Order.CompareTo(b.Order);

    private readonly List<PlannedSegment> _plan = new(256);
    private readonly TrafficProfile _profile;
    private readonly TrafficRandom _rng;
    private readonly TrafficTotals _totals;
    private int _next, _order;
    private Phase _phase;
    private long _t, _rtt, _delay, _gap, _remaining;
    private uint _clientNext, _serverNext;
    private int _exchanges, _cwnd;
    private bool _windDown;

    public GeneratedFlow(int id, TrafficProfile profile, TrafficRandom rng, TrafficTotals totals)
    {
        Id = id;
        _profile = profile;
        _rng = rng;
        _totals = totals;
    }

    private enum Phase : byte { Request, Flight, Close, Done }

    /// <summary>The slot number: breaks ties between flows with segments at the same instant.</summary>
    public int Id { get; }

    public FlowEndpoints Endpoints { get; private set; }

    public ref readonly PlannedSegment Current => ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_plan)[_next];

    public long NextTime => _plan[_next].Time;

    /// <summary>Begins a new connection at <paramref name="start"/> between the given endpoints.</summary>
    public void Start(long start, FlowEndpoints endpoints)
    {
        Endpoints = endpoints;
        _plan.Clear();
        _next = 0;
        _order = 0;
        _rtt = _rng.Next(_profile.MinRtt.Nanoseconds, _profile.MaxRtt.Nanoseconds + 1);
        _delay = _rng.Next(20_000L, 200_000L);
        // Each connection gets a bottleneck between 10 Mb/s and 1 Gb/s: the spacing of full segments.
        _gap = (long)(Mss * 8 * 1e9 / _rng.LogUniform(10_000_000, 1_000_000_000));
        _exchanges = _rng.Chance(_profile.KeepAlive) ? _rng.Next(2, 6) : 1;
        _cwnd = 10;
        _windDown = false;
        _totals.Connections++;
        PlanOpen(start);
        _plan.Sort(ByTime);
    }

    /// <summary>The capture is big enough: end after the data already planned, with this connection's usual close.</summary>
    public void WindDown() => _windDown = true;

    /// <summary>Moves to the next segment, planning the next phase when this one is used up; false when the connection is over.</summary>
    public bool Advance()
    {
        _next++;
        while (_next >= _plan.Count)
        {
            if (_phase == Phase.Done)
                return false;
            _plan.Clear();
            _next = 0;
            if (_windDown && _phase is Phase.Request or Phase.Flight)
                _phase = Phase.Close;
            switch (_phase)
            {
                case Phase.Request:
                    PlanRequest();
                    break;
                case Phase.Flight:
                    PlanFlight();
                    break;
                default:
                    PlanClose();
                    break;
            }
            _plan.Sort(ByTime);
        }
        return true;
    }

    private void PlanOpen(long t)
    {
        uint clientIsn = _rng.NextUInt32(), serverIsn = _rng.NextUInt32();
        _clientNext = clientIsn + 1;
        _serverNext = serverIsn + 1;
        double roll = _rng.NextDouble();
        if (roll < _profile.Unanswered)
        {
            // Linux retries an unanswered SYN after 1, 2, 4 s (doubling RTO, RFC 6298 §5.5).
            _totals.Unanswered++;
            for (long at = 0, rto = 1000 * Ms; at <= 7000 * Ms; at += rto, rto *= 2)
                Add(t + at, true, TcpFlags.Syn, clientIsn, 0);
            _phase = Phase.Done;
            return;
        }
        Add(t, true, TcpFlags.Syn, clientIsn, 0);
        roll -= _profile.Unanswered;
        if (roll < _profile.Refused)
        {
            _totals.Refused++;
            Add(t + _delay, false, TcpFlags.Rst | TcpFlags.Ack, 0, clientIsn + 1);
            _phase = Phase.Done;
            return;
        }
        roll -= _profile.Refused;
        long synAck = t + _delay;
        Add(synAck, false, TcpFlags.Syn | TcpFlags.Ack, serverIsn, clientIsn + 1);
        if (roll < _profile.SynAckLost)
        {
            // The SYN-ACK is lost beyond the capture point: the client sends its SYN again after its 1 s RTO.
            Add(t + 1000 * Ms, true, TcpFlags.Syn, clientIsn, 0);
            synAck = t + 1000 * Ms + _delay;
            Add(synAck, false, TcpFlags.Syn | TcpFlags.Ack, serverIsn, clientIsn + 1);
        }
        _t = synAck + _rtt;
        Add(_t, true, TcpFlags.Ack, _clientNext, _serverNext);
        _phase = Phase.Request;
    }

    private void PlanRequest()
    {
        int request = _rng.Next(80, 900);
        long at = _t + _rng.Next(0L, Ms);
        Add(at, true, TcpFlags.Psh | TcpFlags.Ack, _clientNext, _serverNext, request);
        _clientNext += (uint)request;
        _remaining = _rng.LogUniform(_profile.MinResponse, _profile.MaxResponse);
        _t = at + _delay + _rng.Next(0L, 5 * Ms);
        _phase = Phase.Flight;
        PlanFlight();
    }

    /// <summary>
    /// One window of response data: the client ACKs every second segment one RTT later. When a segment is lost
    /// beyond the capture point, each later segment draws an immediate duplicate ACK with a SACK block; three of
    /// them bring a fast retransmission (RFC 5681 §3.2), fewer a retransmission after the RTO.
    /// </summary>
    private void PlanFlight()
    {
        int count = (int)Math.Min(_cwnd, (_remaining + Mss - 1) / Mss);
        int lost = _rng.Chance(_profile.LossPerFlight) ? _rng.Next(0, count) : -1;
        long lastAck = _t;
        long lostTime = 0;
        uint lostSeq = 0, lostEnd = 0;
        int dupAcks = 0;
        long thirdDupAck = 0;
        for (int i = 0; i < count; i++)
        {
            int length = (int)Math.Min(Mss, _remaining);
            long sent = _t + i * _gap;
            var flags = i == count - 1 ? TcpFlags.Psh | TcpFlags.Ack : TcpFlags.Ack;
            Add(sent, false, flags, _serverNext, _clientNext, length);
            uint end = _serverNext + (uint)length;
            long ackAt = sent + _rtt;
            if (i == lost)
            {
                lostTime = sent;
                lostSeq = _serverNext;
                lostEnd = end;
            }
            else if (lost >= 0 && i > lost)
            {
                Add(ackAt, true, TcpFlags.Ack, _clientNext, lostSeq, 0, lostEnd, end);
                if (++dupAcks == 3)
                    thirdDupAck = ackAt;
            }
            else if (i % 2 == 1 || i == count - 1 || i + 1 == lost)
            {
                Add(ackAt, true, TcpFlags.Ack, _clientNext, end);
                lastAck = ackAt;
            }
            _serverNext = end;
            _remaining -= length;
        }
        if (lost >= 0)
        {
            _totals.Retransmissions++;
            long resend = dupAcks >= 3 ? thirdDupAck + _delay : lostTime + 200 * Ms + _rtt;
            long latest = 0;
            foreach (var planned in _plan)
                latest = Math.Max(latest, planned.Time);
            Add(resend, false, TcpFlags.Ack, lostSeq, _clientNext, (int)(lostEnd - lostSeq));
            lastAck = Math.Max(resend + _rtt, latest + _delay);
            Add(lastAck, true, TcpFlags.Ack, _clientNext, _serverNext);
            _cwnd = Math.Max(10, _cwnd / 2);
        }
        else
        {
            _cwnd = Math.Min(64, _cwnd * 2);
        }
        _t = lastAck + _delay;
        if (_remaining > 0)
            return;
        _phase = --_exchanges > 0 ? Phase.Request : Phase.Close;
        if (_phase == Phase.Close)
            _t += _rng.Next(0L, 100 * Ms);
    }

    private void PlanClose()
    {
        var p = _profile;
        double roll = _rng.NextDouble();
        long t = _t;
        const TcpFlags FinAck = TcpFlags.Fin | TcpFlags.Ack, RstAck = TcpFlags.Rst | TcpFlags.Ack;
        if ((roll -= p.ServerResets) < 0)
        {
            _totals.ServerRst++;
            Add(t, false, RstAck, _serverNext, _clientNext);
        }
        else if ((roll -= p.ClientResets) < 0)
        {
            _totals.ClientRst++;
            Add(t, true, RstAck, _clientNext, _serverNext);
        }
        else if ((roll -= p.FinThenReset) < 0)
        {
            // The server closes; the client's application had already gone and its stack answers with a reset.
            _totals.FinThenRst++;
            Add(t, false, FinAck, _serverNext, _clientNext);
            Add(t + _rtt, true, RstAck, _clientNext, _serverNext + 1);
        }
        else if ((roll -= p.ServerCloses) < 0)
        {
            _totals.ServerFin++;
            Add(t, false, FinAck, _serverNext, _clientNext);
            _serverNext++;
            Add(t + _rtt, true, TcpFlags.Ack, _clientNext, _serverNext);
            long clientFin = t + _rtt + _rng.Next(0L, 20 * Ms);
            Add(clientFin, true, FinAck, _clientNext, _serverNext);
            _clientNext++;
            Add(clientFin + _delay, false, TcpFlags.Ack, _serverNext, _clientNext);
        }
        else
        {
            _totals.ClientFin++;
            Add(t, true, FinAck, _clientNext, _serverNext);
            _clientNext++;
            Add(t + _delay, false, FinAck, _serverNext, _clientNext);
            _serverNext++;
            Add(t + _delay + _rtt, true, TcpFlags.Ack, _clientNext, _serverNext);
        }
        _phase = Phase.Done;
    }

    private void Add(long time, bool fromClient, TcpFlags flags, uint seq, uint ack, int length = 0, uint sackLeft = 0, uint sackRight = 0)
        => _plan.Add(new PlannedSegment
        {
            Time = time,
            Order = _order++,
            FromClient = fromClient,
            Flags = flags,
            Seq = seq,
            Ack = ack,
            Length = length,
            SackLeft = sackLeft,
            SackRight = sackRight,
        });

    /// <summary>The options of a SYN or SYN-ACK (Linux's: MSS, SACK permitted, window scale), and the window every segment advertises.</summary>
    public static void Describe(in PlannedSegment s, ref TcpHeaderFields h)
    {
        h.Window = s.FromClient ? ClientWindow : ServerWindow;
        h.Options = default;
        if ((s.Flags & TcpFlags.Syn) != 0)
        {
            h.Window = 64240;
            h.Options.HasMss = true;
            h.Options.Mss = 1460;
            h.Options.SackPermitted = true;
            h.Options.HasWindowScale = true;
            h.Options.WindowScale = Scale;
        }
        else if (s.SackRight != s.SackLeft)
        {
            h.Options.AddSackBlock(new SackBlock(new SeqNum(s.SackLeft), new SeqNum(s.SackRight)));
        }
    }
}
