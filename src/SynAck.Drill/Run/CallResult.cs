namespace SynAck.Drill.Run;

/// <summary>What a system call returned: the value and, for -1, the errno name.</summary>
internal readonly record struct CallResult(long Value, string? Errno = null)
{
    public static CallResult Error(string errno) => new(-1, errno);

    public override string ToString() => Errno is null ? Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{Value} {Errno}";
}
