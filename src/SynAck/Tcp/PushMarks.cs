using System.Runtime.CompilerServices;
using SynAck.Wire;

namespace SynAck.Tcp;

/// <summary>
/// Where the send side's data asks to be pushed (RFC 9293 §3.9.1.2): the sequence number just past the last byte of
/// each write, and of each forced push inside a large write, from SND.UNA on. A segment whose data reaches a mark
/// carries PSH, on its first transmission and on every retransmission. Held only while a connection has data
/// queued (taken from and given back to the stack's pool): a small ring, oldest dropped when full — the marks that
/// matter most are the newest, on data not yet sent.
/// </summary>
internal sealed class PushMarks
{
    public const int Capacity = 16;

    private Ring _marks;
    private int _head;
    private int _count;

    /// <summary>Linux's pushed_seq: where the last mark was set, for the forced push inside a large write.</summary>
    public SeqNum PushedSeq { get; private set; }

    public int Count => _count;

    public SeqNum Last => _marks[(_head + _count - 1) % Capacity];

    public void Reset(SeqNum pushed)
    {
        _head = 0;
        _count = 0;
        PushedSeq = pushed;
    }

    /// <summary>Adds a mark above every one held; with the ring full the oldest goes.</summary>
    public void Add(SeqNum mark)
    {
        if (_count > 0 && mark <= Last)
            return;
        if (_count == Capacity)
        {
            _head = (_head + 1) % Capacity;
            _count--;
        }
        _marks[(_head + _count) % Capacity] = mark;
        _count++;
        PushedSeq = mark;
    }

    /// <summary>Drops the newest mark (the next write's bytes join the same push, as Linux appends to its tail buffer).</summary>
    public void DropLast()
    {
        if (_count > 0)
            _count--;
    }

    /// <summary>Drops the marks at or below <paramref name="una"/>: their data is acknowledged.</summary>
    public void DropThrough(SeqNum una)
    {
        while (_count > 0 && _marks[_head] <= una)
        {
            _head = (_head + 1) % Capacity;
            _count--;
        }
    }

    /// <summary>Is there a mark in (<paramref name="seq"/>, <paramref name="seq"/> + <paramref name="length"/>]?</summary>
    public bool Reaches(SeqNum seq, int length)
    {
        SeqNum end = seq + length;
        for (int i = 0; i < _count; i++)
        {
            SeqNum m = _marks[(_head + i) % Capacity];
            if (m > end)
                return false;
            if (m > seq)
                return true;
        }
        return false;
    }

    [InlineArray(Capacity)]
    private struct Ring
    {
        private SeqNum _first;
    }
}
