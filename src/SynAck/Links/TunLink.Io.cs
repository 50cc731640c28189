using System.Runtime.InteropServices;

namespace SynAck.Links;

/// <summary>The descriptor's reads and writes: one frame per call, retried on <c>EINTR</c>; a broken descriptor ends the link.</summary>
public sealed unsafe partial class TunLink
{
    /// <summary>Writes one frame (the packet, after a virtio header with offload) and counts <paramref name="counted"/>
    /// bytes sent; false (counted as refused) when the device has no room or refuses the packet.</summary>
    private bool Write(ReadOnlySpan<byte> frame, int counted) => Write(frame, default, counted);

    /// <summary>Writes <paramref name="first"/> then <paramref name="second"/> as one frame (<c>writev</c>).</summary>
    private bool Write(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, int counted)
    {
        int total = first.Length + second.Length;
        var iov = stackalloc Libc.IoVec[2];
        while (true)
        {
            nint n;
            fixed (byte* a = first)
            fixed (byte* b = second)
            {
                if (second.IsEmpty)
                    n = Libc.Write(_tun, a, (nuint)first.Length);
                else
                {
                    iov[0] = new Libc.IoVec { Base = a, Length = (nuint)first.Length };
                    iov[1] = new Libc.IoVec { Base = b, Length = (nuint)second.Length };
                    n = Libc.Writev(_tun, iov, 2);
                }
            }
            if (n == total)
            {
                if (counted > 0)
                    Counters.OnSent(counted);
                return true;
            }
            var errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (errno == Libc.EIntr)
                continue;
            // EAGAIN/ENOBUFS: no room now. EIO: the device is down. EINVAL: not an IP packet
            // (a corrupted version nibble). All are a dropped packet, not a broken link.
            if (n >= 0 || errno is Libc.EAgain or Libc.ENoBufs or Libc.EIo or Libc.EInval)
            {
                Counters.OnSendRefused();
                return false;
            }
            // Anything else (EBADFD: the device was deleted under us) ends the link. Not thrown from here: a send
            // runs inside the stack's poll, which should finish; the next Wait or TryReceive reports the failure.
            Fail("writing to", errno);
            Counters.OnSendRefused();
            return false;
        }
    }

    /// <summary>Reads one frame: its virtio header, and the packet into <paramref name="target"/>; returns the packet's
    /// length, or -1 when nothing is waiting.</summary>
    private int ReadFrame(Span<byte> target, out VirtioNetHeader header)
    {
        var raw = stackalloc byte[VirtioNetHeader.Size];
        var iov = stackalloc Libc.IoVec[2];
        while (true)
        {
            nint n;
            fixed (byte* p = target)
            {
                iov[0] = new Libc.IoVec { Base = raw, Length = VirtioNetHeader.Size };
                iov[1] = new Libc.IoVec { Base = p, Length = (nuint)target.Length };
                n = Libc.Readv(_tun, iov, 2);
            }
            if (n >= VirtioNetHeader.Size)
            {
                header = VirtioNetHeader.Read(new ReadOnlySpan<byte>(raw, VirtioNetHeader.Size));
                return (int)n - VirtioNetHeader.Size;
            }
            var errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (errno == Libc.EIntr || n > 0)
                continue;
            header = default;
            if (n == 0 || errno == Libc.EAgain)
                return -1;
            throw Fail("reading", errno);
        }
    }

    private bool ReadPlain(Span<byte> buffer, out int length)
    {
        while (true)
        {
            nint n;
            fixed (byte* p = buffer)
                n = Libc.Read(_tun, p, (nuint)buffer.Length);
            if (n > 0)
            {
                length = (int)n;
                Counters.OnReceived(length);
                return true;
            }
            var errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            if (errno == Libc.EIntr)
                continue;
            length = 0;
            if (n == 0 || errno == Libc.EAgain)
                return false;
            throw Fail("reading", errno);
        }
    }
}
