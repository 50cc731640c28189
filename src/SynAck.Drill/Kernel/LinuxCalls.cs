using System.Runtime.InteropServices;

namespace SynAck.Drill.Kernel;

/// <summary>The libc calls the kernel target makes on the script's behalf (Linux x86-64/arm64 ABI).</summary>
internal static unsafe partial class LinuxCalls
{
    public const int AfInet = 2, AfInet6 = 10, SockStream = 1, SockNonBlock = 0x800, IpProtoTcp = 6, ClonNewNet = 0x40000000;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    public static partial int Bind(int fd, byte* addr, int len);

    [LibraryImport("libc", EntryPoint = "listen", SetLastError = true)]
    public static partial int Listen(int fd, int backlog);

    [LibraryImport("libc", EntryPoint = "accept", SetLastError = true)]
    public static partial int Accept(int fd, byte* addr, int* len);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte* addr, int len);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buf, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buf, nuint count);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buf, nuint count, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    public static partial nint Recv(int fd, byte* buf, nuint count, int flags);

    [LibraryImport("libc", EntryPoint = "sendto", SetLastError = true)]
    public static partial nint SendTo(int fd, byte* buf, nuint count, int flags, byte* addr, int addrLen);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(int fd, MsgHdr* msg, int flags);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, int* value);

    /// <summary>struct iovec.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public byte* Base;
        public nuint Length;
    }

    /// <summary>struct msghdr (64-bit Linux).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public byte* Name;
        public int NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public byte* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
    public static partial int Shutdown(int fd, int how);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, byte* value, int len);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int name, byte* value, int* len);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(long* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    public static partial int SetNs(int fd, int nstype);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    public static int Errno => Marshal.GetLastPInvokeError();

    private static readonly Dictionary<int, string> Names = new()
    {
        [1] = "EPERM", [2] = "ENOENT", [4] = "EINTR", [5] = "EIO", [9] = "EBADF", [11] = "EAGAIN", [12] = "ENOMEM", [14] = "EFAULT",
        [22] = "EINVAL", [32] = "EPIPE", [88] = "ENOTSOCK", [92] = "ENOPROTOOPT", [95] = "EOPNOTSUPP", [98] = "EADDRINUSE",
        [99] = "EADDRNOTAVAIL", [101] = "ENETUNREACH", [103] = "ECONNABORTED", [104] = "ECONNRESET", [106] = "EISCONN",
        [107] = "ENOTCONN", [110] = "ETIMEDOUT", [111] = "ECONNREFUSED", [113] = "EHOSTUNREACH", [114] = "EALREADY", [115] = "EINPROGRESS",
    };

    public static string ErrnoName(int errno) => Names.TryGetValue(errno, out var n) ? n : $"E{errno}";

    private static readonly Dictionary<string, int> Symbols = new()
    {
        ["SOL_SOCKET"] = 1, ["SO_REUSEADDR"] = 2, ["SO_ERROR"] = 4, ["SO_SNDBUF"] = 7, ["SO_RCVBUF"] = 8, ["SO_KEEPALIVE"] = 9,
        ["SO_LINGER"] = 13, ["SO_REUSEPORT"] = 15, ["IPPROTO_TCP"] = 6, ["IPPROTO_IP"] = 0, ["SOL_IP"] = 0, ["SOL_IPV6"] = 41, ["IPPROTO_IPV6"] = 41, ["SOL_TCP"] = 6,
        ["TCP_NODELAY"] = 1, ["TCP_MAXSEG"] = 2, ["TCP_CORK"] = 3, ["TCP_KEEPIDLE"] = 4, ["TCP_KEEPINTVL"] = 5, ["TCP_KEEPCNT"] = 6,
        ["TCP_INFO"] = 11, ["TCP_USER_TIMEOUT"] = 18, ["IP_TOS"] = 1, ["IP_MTU_DISCOVER"] = 10, ["IP_PMTUDISC_DONT"] = 0, ["IP_PMTUDISC_WANT"] = 1, ["IP_PMTUDISC_DO"] = 2, ["IP_PMTUDISC_PROBE"] = 3,
        ["TCP_CONGESTION"] = 13, ["TCP_FASTOPEN"] = 23, ["TCP_FASTOPEN_CONNECT"] = 30, ["TCP_NOTSENT_LOWAT"] = 25, ["SO_ZEROCOPY"] = 60,
        ["MSG_ZEROCOPY"] = 0x4000000, ["MSG_FASTOPEN"] = 0x20000000, ["MSG_EOR"] = 0x80, ["MSG_NOSIGNAL"] = 0x4000, ["MSG_WAITALL"] = 0x100,
        ["SIOCINQ"] = 0x541B, ["FIONREAD"] = 0x541B, ["SIOCOUTQ"] = 0x5411, ["TIOCOUTQ"] = 0x5411, ["SIOCOUTQNSD"] = 0x894B,
        ["F_GETFL"] = 3, ["F_SETFL"] = 4, ["O_RDONLY"] = 0, ["O_WRONLY"] = 1, ["O_RDWR"] = 2, ["O_NONBLOCK"] = 0x800,
        ["SHUT_RD"] = 0, ["SHUT_WR"] = 1, ["SHUT_RDWR"] = 2, ["MSG_DONTWAIT"] = 0x40, ["MSG_MORE"] = 0x8000, ["MSG_PEEK"] = 2,
        ["POLLIN"] = 1, ["POLLPRI"] = 2, ["POLLOUT"] = 4, ["POLLERR"] = 8, ["POLLHUP"] = 16, ["POLLNVAL"] = 32, ["POLLRDHUP"] = 0x2000,
        ["AF_INET"] = AfInet, ["AF_INET6"] = AfInet6, ["SOCK_STREAM"] = SockStream, ["SOCK_NONBLOCK"] = SockNonBlock, ["NULL"] = 0,
    };

    public static bool TrySymbol(string name, out int value) => Symbols.TryGetValue(name, out value);

    /// <summary>Names of the poll bits set in <paramref name="revents"/>.</summary>
    public static HashSet<string> PollNames(int revents)
        => Symbols.Where(kv => kv.Key.StartsWith("POLL", StringComparison.Ordinal) && (revents & kv.Value) != 0).Select(kv => kv.Key).ToHashSet();
}
