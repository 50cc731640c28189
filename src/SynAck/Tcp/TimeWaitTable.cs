using System.Buffers.Binary;
using SynAck.Time;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// The TIME-WAIT table: compact entries keyed by 4-tuple, apart from full connections, expiring from a
/// <see cref="TimerWheel"/>. No object per entry: each field lives in its own array indexed by slot (the remote
/// address, both ports, where each sequence space ended, the window, TS.Recent, flags), found through an
/// open-addressing index of slot numbers; the local address is the stack's, kept once. About 45 bytes an IPv4 entry
/// (53 IPv6) with the wheel's links and the index. Slots are reused through a free list threaded through a field
/// array, so churn allocates nothing once the table has grown to its working size; <see cref="Capacity"/> bounds it.
/// </summary>
internal sealed class TimeWaitTable
{
    private const int None = -1;
    private const byte InUseFlag = 0x80;
    private const byte TsOkFlag = 0x40;
    private const byte ShiftMask = 0x0F;

    private readonly TimerWheel _wheel;
    private IpAddress _local;
    private bool _localSet;
    private bool _v6;

    // Per slot. For IPv4 the remote address is the low 32 bits of _remoteLo; _remoteHi exists only for IPv6.
    private ulong[] _remoteLo = [];
    private ulong[]? _remoteHi;
    private uint[] _ports = [];
    private uint[] _sndNxt = [];
    private uint[] _rcvNxt = [];
    private uint[] _tsRecent = [];
    private ushort[] _window = [];
    private byte[] _meta = [];

    // When this 4-tuple last answered an invalid segment (InvalidAckLimiter): milliseconds + 1 in 32 bits, 0 for
    // never, compared modulo 2^32 so the limit holds however long the stack runs; 4 B instead of an 8-byte time.
    private uint[] _invalidAckMs = [];
    private int _used;
    private int _freeHead = None;

    // Open addressing: slot + 1, 0 for empty; at most three quarters full; removal by backward shift.
    private int[] _index = new int[16];

    public TimeWaitTable(int capacity)
    {
        Capacity = capacity;
        // 10 ms ticks over 8,192 slots: one revolution covers 2MSL for MSL up to 40 s without a second pass.
        _wheel = new TimerWheel(Duration.FromMilliseconds(10), 8192);
    }

    public int Capacity { get; }

    public int Count { get; private set; }

    public Instant NextDeadline => _wheel.NextDeadline;

    public bool Contains(in ConnectionId id) => TryGet(id, out _);

    public bool TryGet(in ConnectionId id, out int slot)
    {
        slot = None;
        if (Count == 0 || id.LocalAddress != _local)
            return false;
        Key(id.RemoteAddress, out ulong lo, out ulong hi);
        uint ports = Ports(id);
        int mask = _index.Length - 1;
        for (int i = Home(lo, hi, ports); ; i = (i + 1) & mask)
        {
            int s = _index[i] - 1;
            if (s < 0)
                return false;
            if (_ports[s] == ports && _remoteLo[s] == lo && (!_v6 || _remoteHi![s] == hi))
            {
                slot = s;
                return true;
            }
        }
    }

    /// <summary>The entry in <paramref name="slot"/>, rebuilt from its fields.</summary>
    public TimeWaitEntry this[int slot]
    {
        get
        {
            byte meta = _meta[slot];
            return new TimeWaitEntry
            {
                Id = new ConnectionId(_local, (ushort)(_ports[slot] >> 16), Remote(slot), (ushort)_ports[slot]),
                SndNxt = new SeqNum(_sndNxt[slot]),
                RcvNxt = new SeqNum(_rcvNxt[slot]),
                Window = _window[slot],
                RcvShift = (byte)(meta & ShiftMask),
                TsOk = (meta & TsOkFlag) != 0,
                TsRecent = _tsRecent[slot],
                Expiry = _wheel.DeadlineOf(slot),
                InUse = (meta & InUseFlag) != 0,
            };
        }
    }

    /// <summary>
    /// Adds an entry; false when the table is full, the 4-tuple is already in it, or its local address is not the
    /// one the table's entries have (a stack has one address).
    /// </summary>
    public bool TryAdd(in TimeWaitEntry entry)
    {
        var id = entry.Id;
        if (Count >= Capacity || Contains(id))
            return false;
        if (!_localSet)
        {
            _local = id.LocalAddress;
            _v6 = _local.IsV6;
            _localSet = true;
        }
        else if (id.LocalAddress != _local)
        {
            return false;
        }
        if (id.RemoteAddress.IsV6 != _v6)
            return false;
        if ((Count + 1) * 4 > _index.Length * 3)
            GrowIndex();
        int slot = TakeSlot();
        Key(id.RemoteAddress, out ulong lo, out ulong hi);
        _remoteLo[slot] = lo;
        if (_v6)
            _remoteHi![slot] = hi;
        _ports[slot] = Ports(id);
        _sndNxt[slot] = entry.SndNxt.Value;
        _rcvNxt[slot] = entry.RcvNxt.Value;
        _tsRecent[slot] = entry.TsRecent;
        _window[slot] = entry.Window;
        _meta[slot] = (byte)(InUseFlag | (entry.TsOk ? TsOkFlag : 0) | (entry.RcvShift & ShiftMask));
        _invalidAckMs[slot] = entry.InvalidAckAt == InvalidAckLimiter.Never ? 0 : Milliseconds(entry.InvalidAckAt);
        InsertIndex(slot);
        Count++;
        _wheel.Schedule(slot, entry.Expiry);
        return true;
    }

    /// <summary>
    /// Whether this 4-tuple may answer an invalid segment now (at most one ACK per <paramref name="interval"/>, as
    /// <see cref="InvalidAckLimiter"/> for live connections); when it may, the time is recorded.
    /// </summary>
    public bool TryTakeInvalidAck(int slot, Instant now, Duration interval)
    {
        uint nowMs = Milliseconds(now.Nanoseconds);
        uint last = _invalidAckMs[slot];
        if (interval > Duration.Zero && last != 0 && nowMs - last < (ulong)(interval.Nanoseconds / 1_000_000))
            return false;
        _invalidAckMs[slot] = nowMs;
        return true;
    }

    private static uint Milliseconds(long nanoseconds) => Math.Max(1u, unchecked((uint)(nanoseconds / 1_000_000) + 1));

    /// <summary>Restarts the 2MSL wait (a retransmitted FIN was re-acknowledged).</summary>
    public void Restart(int slot, Instant expiry) => _wheel.Schedule(slot, expiry);

    public void Remove(int slot)
    {
        if (slot < 0 || slot >= _used || (_meta[slot] & InUseFlag) == 0)
            return;
        _wheel.Cancel(slot);
        RemoveIndex(slot);
        _meta[slot] = 0;
        // A free slot's SND.NXT field links the free list.
        _sndNxt[slot] = (uint)_freeHead;
        _freeHead = slot;
        Count--;
    }

    /// <summary>Takes one entry whose 2MSL has passed; the caller reports it and then calls <see cref="Remove"/>.</summary>
    public bool TryExpire(Instant now, out int slot) => _wheel.TryPopExpired(now, out slot);

    private IpAddress Remote(int slot)
    {
        if (!_v6)
            return IpAddress.V4((uint)_remoteLo[slot]);
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(b, _remoteHi![slot]);
        BinaryPrimitives.WriteUInt64BigEndian(b[8..], _remoteLo[slot]);
        return IpAddress.V6(b);
    }

    private static void Key(IpAddress a, out ulong lo, out ulong hi)
    {
        if (a.IsV4)
        {
            lo = a.V4Value;
            hi = 0;
            return;
        }
        Span<byte> b = stackalloc byte[16];
        a.WriteTo(b);
        hi = BinaryPrimitives.ReadUInt64BigEndian(b);
        lo = BinaryPrimitives.ReadUInt64BigEndian(b[8..]);
    }

    private static uint Ports(in ConnectionId id) => (uint)id.LocalPort << 16 | id.RemotePort;

    // HashCode is seeded per process, so a peer cannot choose 4-tuples that all land in one probe run.
    private int Home(ulong lo, ulong hi, uint ports) => HashCode.Combine(lo, hi, ports) & (_index.Length - 1);

    private int HomeOf(int slot) => Home(_remoteLo[slot], _v6 ? _remoteHi![slot] : 0, _ports[slot]);

    private int TakeSlot()
    {
        if (_freeHead != None)
        {
            int s = _freeHead;
            _freeHead = (int)_sndNxt[s];
            return s;
        }
        if (_used == _meta.Length)
        {
            int size = Math.Max(16, _meta.Length * 2);
            Array.Resize(ref _remoteLo, size);
            if (_v6)
                Array.Resize(ref _remoteHi, size);
            Array.Resize(ref _ports, size);
            Array.Resize(ref _sndNxt, size);
            Array.Resize(ref _rcvNxt, size);
            Array.Resize(ref _tsRecent, size);
            Array.Resize(ref _window, size);
            Array.Resize(ref _meta, size);
            Array.Resize(ref _invalidAckMs, size);
        }
        return _used++;
    }

    private void InsertIndex(int slot)
    {
        int mask = _index.Length - 1;
        int i = HomeOf(slot);
        while (_index[i] != 0)
            i = (i + 1) & mask;
        _index[i] = slot + 1;
    }

    private void RemoveIndex(int slot)
    {
        int mask = _index.Length - 1;
        int i = HomeOf(slot);
        while (_index[i] != slot + 1)
            i = (i + 1) & mask;
        // Backward-shift deletion: pull later members of the probe run into the hole when their home allows it.
        int hole = i;
        for (int j = (i + 1) & mask; _index[j] != 0; j = (j + 1) & mask)
        {
            int home = HomeOf(_index[j] - 1);
            if (((j - home) & mask) >= ((j - hole) & mask))
            {
                _index[hole] = _index[j];
                hole = j;
            }
        }
        _index[hole] = 0;
    }

    private void GrowIndex()
    {
        _index = new int[_index.Length * 2];
        for (int s = 0; s < _used; s++)
        {
            if ((_meta[s] & InUseFlag) != 0)
                InsertIndex(s);
        }
    }
}
