using System.Runtime.InteropServices;

namespace SynAck.Links;

/// <summary>A Linux file descriptor, closed once when the last user releases it.</summary>
internal sealed class FileDescriptorHandle : SafeHandle
{
    public FileDescriptorHandle()
        : base(invalidHandleValue: -1, ownsHandle: true)
    {
    }

    public FileDescriptorHandle(int fd)
        : this() => SetHandle(fd);

    public override bool IsInvalid => handle == -1;

    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => Libc.Close((int)handle) == 0;
}
