using System.Runtime.InteropServices;

namespace SynAck.Links;

/// <summary>
/// The few Linux C library calls a TUN link needs. Each sets the P/Invoke last-error slot, read
/// right after the call with <see cref="Marshal.GetLastPInvokeError"/>; no errno is kept around.
/// Constants are the generic Linux ones (x86-64 and arm64 share them).
/// </summary>
internal static unsafe partial class Libc
{
    public const int ORdWr = 0x2;
    public const int ONonBlock = 0x800;
    public const int OCloExec = 0x80000;
    public const int EfdNonBlock = 0x800;
    public const int EfdCloExec = 0x80000;
    public const int AfInet = 2;
    public const int SockDgram = 2;
    public const int SockCloExec = 0x80000;
    public const short PollIn = 0x1;
    public const short PollErr = 0x8;
    public const short PollHup = 0x10;
    public const short PollNval = 0x20;

    // <linux/if_tun.h>: _IOW('T', 202, int) and the device flags.
    public const nuint TunSetIff = 0x400454ca;
    public const short IffTun = 0x0001;
    public const short IffNoPi = 0x1000;
    public const short IffMultiQueue = 0x0100;
    public const short IffVnetHdr = 0x4000;

    // _IOW('T', 208, unsigned int): which offloads this reader takes (the device's TSO/checksum features follow).
    public const nuint TunSetOffload = 0x400454d0;
    public const uint TunFCsum = 0x01;
    public const uint TunFTso4 = 0x02;
    public const uint TunFTso6 = 0x04;

    // <linux/sockios.h>
    public const nuint SiocGIfMtu = 0x8921;
    public const nuint SiocSIfMtu = 0x8922;

    /// <summary>sizeof(struct ifreq): a 16-byte name, then a 24-byte union (flags, MTU, ...).</summary>
    public const int IfReqSize = 40;
    public const int IfNameSize = 16;

    public const int EPerm = 1;
    public const int ENoEnt = 2;
    public const int EIntr = 4;
    public const int EIo = 5;
    public const int EAgain = 11;
    public const int EAcces = 13;
    public const int EBusy = 16;
    public const int ENoDev = 19;
    public const int EInval = 22;
    public const int EBadFd = 77;
    public const int ENoBufs = 105;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(FileDescriptorHandle fd, nuint request, byte* argument);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(FileDescriptorHandle fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(FileDescriptorHandle fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(FileDescriptorHandle fd, nuint request, nuint argument);

    [LibraryImport("libc", EntryPoint = "readv", SetLastError = true)]
    public static partial nint Readv(FileDescriptorHandle fd, IoVec* vectors, int count);

    [LibraryImport("libc", EntryPoint = "writev", SetLastError = true)]
    public static partial nint Writev(FileDescriptorHandle fd, IoVec* vectors, int count);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initialValue, int flags);

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    public static partial int Socket(int domain, int type, int protocol);

    /// <summary>ppoll(2) with no signal mask: poll with a nanosecond timeout (null: forever).</summary>
    [LibraryImport("libc", EntryPoint = "ppoll", SetLastError = true)]
    public static partial int PPoll(PollFd* fds, nuint count, TimeSpec* timeout, void* signalMask);

    public static string Describe(int errno) => $"{Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})";
}
