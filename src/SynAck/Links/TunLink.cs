using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace SynAck.Links;

/// <summary>
/// A Linux TUN device as an <see cref="ILink"/>: every IP packet the kernel routes to the
/// device is received here, and every packet sent here enters the kernel as if it had arrived
/// on the device. Opened with <c>TUNSETIFF</c> (<c>IFF_TUN | IFF_NO_PI</c>: bare IP packets),
/// non-blocking, with an eventfd beside it so <see cref="Wake"/> can end a <see cref="Wait"/>.
/// </summary>
/// <remarks>
/// <para>The device lives as long as this link (it is not made persistent), in whichever network
/// namespace it was moved to: the descriptor keeps working after <c>ip link set DEV netns NS</c>.
/// <see cref="TunSetup"/> creates, moves and configures a device in one call.</para>
/// <para>Needs CAP_NET_ADMIN (root) to create a device.</para>
/// </remarks>
public sealed unsafe partial class TunLink : ILink
{
    private const string CloneDevice = "/dev/net/tun";

    private readonly FileDescriptorHandle _tun;
    private readonly FileDescriptorHandle _wake;
    private volatile bool _disposed;
    private LinkFailedException? _failure;

    private TunLink(FileDescriptorHandle tun, FileDescriptorHandle wake, string name, int mtu, bool offload)
    {
        _tun = tun;
        _wake = wake;
        Name = name;
        Mtu = mtu;
        if (offload)
        {
            _coalescer = new SegmentCoalescer();
            _received = new byte[MaxSuperPacket];
        }
    }

    /// <summary>The device name the kernel gave (or kept), such as <c>tun0</c>.</summary>
    public string Name { get; }

    /// <summary>The device MTU as read with <c>SIOCGIFMTU</c> when the link was opened. A later
    /// change with <c>ip link set mtu</c> is not seen: set it through <see cref="Open"/> or <see cref="TunSetup"/>.</summary>
    public int Mtu { get; }

    /// <inheritdoc/>
    public LinkCounters Counters { get; } = new();

    /// <summary>
    /// Creates a TUN device (or attaches to an existing one of that name) in the current network
    /// namespace, optionally sets its MTU, and reads the MTU back from the device.
    /// </summary>
    /// <param name="name">The device name, at most 15 bytes; null or empty lets the kernel pick <c>tunN</c>.</param>
    /// <param name="mtu">The MTU to set (68 to 65535); 0 keeps the device's (1500 for a new one).</param>
    /// <param name="offload">Open with <c>IFF_VNET_HDR</c> and <c>TUNSETOFFLOAD</c> (checksum, TSO for IPv4 and
    /// IPv6): see <see cref="Offload"/>.</param>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    /// <exception cref="UnauthorizedAccessException">Not allowed to create the device (needs CAP_NET_ADMIN: run as root).</exception>
    /// <exception cref="IOException">The device could not be opened or configured (the reason is in the message).</exception>
    public static TunLink Open(string? name = null, int mtu = 0, bool offload = false) => OpenQueue(name, mtu, offload, multiQueue: false);

    /// <summary>
    /// Creates a multi-queue TUN device (<c>IFF_MULTI_QUEUE</c>) with <paramref name="count"/> queues: one link per
    /// queue, all on the same device, each with its own descriptor. The kernel spreads the packets it routes into the
    /// device over the queues by flow (see <c>SynAckHost.StartShards</c>); a packet may be sent on any queue.
    /// </summary>
    /// <param name="name">The device name; null or empty lets the kernel pick <c>tunN</c>.</param>
    /// <param name="count">Queues (1 to 64).</param>
    /// <param name="mtu">The MTU to set; 0 keeps the device's.</param>
    /// <param name="offload">Segmentation and checksum offload on every queue.</param>
    /// <exception cref="UnauthorizedAccessException">Not allowed to create the device (run as root).</exception>
    /// <exception cref="IOException">The device could not be opened or configured.</exception>
    public static TunLink[] OpenQueues(string? name, int count, int mtu = 0, bool offload = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 64);
        var queues = new List<TunLink>(count);
        try
        {
            queues.Add(OpenQueue(name, mtu, offload, multiQueue: true));
            for (int i = 1; i < count; i++)
                queues.Add(OpenQueue(queues[0].Name, 0, offload, multiQueue: true));
            return [.. queues];
        }
        catch
        {
            foreach (var q in queues)
                q.Dispose();
            throw;
        }
    }

    private static TunLink OpenQueue(string? name, int mtu, bool offload, bool multiQueue)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("TUN links need Linux (/dev/net/tun)");
        name ??= "";
        if (Encoding.UTF8.GetByteCount(name) >= Libc.IfNameSize || name.Contains('\0', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
            throw new ArgumentException("a device name is 1 to 15 bytes without '/'", nameof(name));
        if (mtu != 0)
            ArgumentOutOfRangeException.ThrowIfLessThan(mtu, 68);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(mtu, 65535);

        var tun = OpenCloneDevice();
        FileDescriptorHandle? wake = null;
        try
        {
            var ifr = stackalloc byte[Libc.IfReqSize];
            new Span<byte>(ifr, Libc.IfReqSize).Clear();
            Encoding.UTF8.GetBytes(name, new Span<byte>(ifr, Libc.IfNameSize - 1));
            *(short*)(ifr + Libc.IfNameSize) = (short)(Libc.IffTun | Libc.IffNoPi | (offload ? Libc.IffVnetHdr : 0) | (multiQueue ? Libc.IffMultiQueue : 0));
            if (Libc.Ioctl(tun, Libc.TunSetIff, ifr) != 0)
                throw SetIffError(Marshal.GetLastPInvokeError(), name);
            var actualName = ReadName(ifr);
            // Offloads this reader takes: the device then advertises checksum offload and TSO, so the kernel hands
            // over its TCP segments unsegmented (up to 64 KiB) with the checksum left partial.
            if (offload && Libc.Ioctl(tun, Libc.TunSetOffload, (nuint)(Libc.TunFCsum | Libc.TunFTso4 | Libc.TunFTso6)) != 0)
                throw new IOException($"TUNSETOFFLOAD on {actualName} failed: {Libc.Describe(Marshal.GetLastPInvokeError())}");

            if (mtu != 0)
                DeviceMtu(actualName, Libc.SiocSIfMtu, mtu);
            var deviceMtu = DeviceMtu(actualName, Libc.SiocGIfMtu, 0);

            var wakeFd = Libc.EventFd(0, Libc.EfdNonBlock | Libc.EfdCloExec);
            if (wakeFd < 0)
                throw new IOException("eventfd failed: " + Libc.Describe(Marshal.GetLastPInvokeError()));
            wake = new FileDescriptorHandle(wakeFd);
            return new TunLink(tun, wake, actualName, deviceMtu, offload);
        }
        catch
        {
            wake?.Dispose();
            tun.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>With offload a super-packet longer than <paramref name="buffer"/> is handed over as the segments it
    /// stands for, one per call; any partial checksum is completed first.</remarks>
    /// <exception cref="LinkFailedException">The device is gone (deleted, or its namespace was removed).</exception>
    public bool TryReceive(Span<byte> buffer, out int length) => Receive(buffer, out length, out _, completeChecksum: true);

    /// <inheritdoc/>
    /// <exception cref="LinkFailedException">The device is gone (deleted, or its namespace was removed).</exception>
    public bool TryReceive(Span<byte> buffer, out int length, out bool checksumVerified)
        => Receive(buffer, out length, out checksumVerified, completeChecksum: false);

    /// <inheritdoc/>
    public bool TrySend(ReadOnlySpan<byte> packet)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null || packet.IsEmpty || packet.Length > Mtu)
        {
            Counters.OnSendRefused();
            return false;
        }
        if (_coalescer is null)
            return Write(packet, packet.Length);
        if (_coalescer.TryAppend(packet))
        {
            Counters.OnSent(packet.Length);
            return true;
        }
        EndBatch();
        if (_coalescer.TryStart(packet))
        {
            Counters.OnSent(packet.Length);
            return true;
        }
        Span<byte> frame = stackalloc byte[VirtioNetHeader.Size];
        frame.Clear();
        return Write(frame, packet, packet.Length);
    }

    /// <inheritdoc/>
    /// <exception cref="LinkFailedException">The device is gone (deleted, or its namespace was removed).</exception>
    public LinkWaitResult Wait(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfFailed();
        WaitTimeout.Validate(timeout);
        EndBatch();
        if (_segmentsLeft > 0)
            return LinkWaitResult.Readable;
        cancellationToken.ThrowIfCancellationRequested();
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((TunLink)state!).Wake(), this)
            : default;

        var start = Stopwatch.GetTimestamp();
        var tunAdded = false;
        var wakeAdded = false;
        try
        {
            _tun.DangerousAddRef(ref tunAdded);
            _wake.DangerousAddRef(ref wakeAdded);
            var fds = stackalloc Libc.PollFd[2];
            while (true)
            {
                fds[0] = new Libc.PollFd { Fd = _tun.Fd, Events = Libc.PollIn };
                fds[1] = new Libc.PollFd { Fd = _wake.Fd, Events = Libc.PollIn };
                int ready;
                if (timeout == Timeout.InfiniteTimeSpan)
                {
                    ready = Libc.PPoll(fds, 2, null, null);
                }
                else
                {
                    var left = timeout - Stopwatch.GetElapsedTime(start);
                    if (left < TimeSpan.Zero)
                        left = TimeSpan.Zero;
                    var ts = new Libc.TimeSpec
                    {
                        Seconds = (nint)(left.Ticks / TimeSpan.TicksPerSecond),
                        Nanoseconds = (nint)(left.Ticks % TimeSpan.TicksPerSecond * 100),
                    };
                    ready = Libc.PPoll(fds, 2, &ts, null);
                }

                if (ready < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Libc.EIntr)
                        continue; // a signal (the runtime uses some): poll again for the time left
                    throw Fail("polling", errno);
                }
                cancellationToken.ThrowIfCancellationRequested();
                if (ready == 0)
                    return LinkWaitResult.TimedOut;
                if ((fds[1].Revents & Libc.PollIn) != 0)
                {
                    DrainWake();
                    return LinkWaitResult.Woken;
                }
                // POLLIN, or POLLERR/POLLHUP when the device went away: TryReceive reports which.
                return LinkWaitResult.Readable;
            }
        }
        finally
        {
            if (wakeAdded)
                _wake.DangerousRelease();
            if (tunAdded)
                _tun.DangerousRelease();
        }
    }

    /// <inheritdoc/>
    public void Wake()
    {
        if (_disposed)
            return;
        ulong one = 1;
        try
        {
            // An eventfd adds; a failure can only be a counter at its maximum, which is still "woken".
            Libc.Write(_wake, (byte*)&one, sizeof(ulong));
        }
        catch (ObjectDisposedException)
        {
            // Disposed on the owner thread between the check and the write: nothing to wake.
        }
    }

    /// <summary>Closes the device descriptor (removing the device, which is not persistent) and the eventfd.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _tun.Dispose();
        _wake.Dispose();
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
            throw _failure;
    }

    /// <summary>Records that the device cannot be used any more; the first failure is the one reported.</summary>
    private LinkFailedException Fail(string doing, int errno)
    {
        _failure ??= errno == Libc.EBadFd
            ? new LinkFailedException($"TUN device {Name} went away (deleted, or its network namespace was removed): {doing} it failed with {Libc.Describe(errno)}")
            : new LinkFailedException($"{doing} TUN device {Name} failed: {Libc.Describe(errno)}");
        return _failure;
    }

    private void DrainWake()
    {
        ulong value;
        Libc.Read(_wake, (byte*)&value, sizeof(ulong));
    }

    private static FileDescriptorHandle OpenCloneDevice()
    {
        var fd = Libc.Open(CloneDevice, Libc.ORdWr | Libc.ONonBlock | Libc.OCloExec);
        if (fd >= 0)
            return new FileDescriptorHandle(fd);
        var errno = Marshal.GetLastPInvokeError();
        throw errno switch
        {
            Libc.ENoEnt or Libc.ENoDev => new IOException($"{CloneDevice} does not exist: load the tun module (modprobe tun) or, in a container, pass the device in ({Libc.Describe(errno)})"),
            Libc.EPerm or Libc.EAcces => new UnauthorizedAccessException($"cannot open {CloneDevice}: {Libc.Describe(errno)}; TUN devices need root (CAP_NET_ADMIN)"),
            _ => new IOException($"cannot open {CloneDevice}: {Libc.Describe(errno)}"),
        };
    }

    private static Exception SetIffError(int errno, string name)
    {
        var what = name.Length == 0 ? "a TUN device" : $"TUN device '{name}'";
        return errno switch
        {
            Libc.EPerm or Libc.EAcces => new UnauthorizedAccessException(
                $"creating {what} was refused ({Libc.Describe(errno)}): it needs CAP_NET_ADMIN, so run as root"),
            Libc.EBusy => new IOException($"{what} is busy: another process has it open, or it is not a TUN device ({Libc.Describe(errno)})"),
            Libc.EInval => new IOException($"'{name}' is not a usable TUN device name, or a device of another type has it ({Libc.Describe(errno)})"),
            _ => new IOException($"TUNSETIFF for {what} failed: {Libc.Describe(errno)}"),
        };
    }

    private static string ReadName(byte* ifr)
    {
        var bytes = new ReadOnlySpan<byte>(ifr, Libc.IfNameSize);
        var end = bytes.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
    }

    /// <summary>Gets or sets the MTU of device <paramref name="name"/> in this namespace through a
    /// throwaway datagram socket (interface ioctls need a socket, not the TUN descriptor).</summary>
    private static int DeviceMtu(string name, nuint request, int value)
    {
        var fd = Libc.Socket(Libc.AfInet, Libc.SockDgram | Libc.SockCloExec, 0);
        if (fd < 0)
            throw new IOException("socket(AF_INET) for an interface ioctl failed: " + Libc.Describe(Marshal.GetLastPInvokeError()));
        using var socket = new FileDescriptorHandle(fd);
        var ifr = stackalloc byte[Libc.IfReqSize];
        new Span<byte>(ifr, Libc.IfReqSize).Clear();
        Encoding.UTF8.GetBytes(name, new Span<byte>(ifr, Libc.IfNameSize - 1));
        *(int*)(ifr + Libc.IfNameSize) = value;
        if (Libc.Ioctl(socket, request, ifr) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var what = request == Libc.SiocSIfMtu ? $"setting the MTU of {name} to {value}" : $"reading the MTU of {name}";
            throw errno is Libc.EPerm or Libc.EAcces
                ? new UnauthorizedAccessException($"{what} was refused ({Libc.Describe(errno)}): run as root")
                : new IOException($"{what} failed: {Libc.Describe(errno)}");
        }
        return *(int*)(ifr + Libc.IfNameSize);
    }
}
