namespace SynAck.Drill.Syntax;

/// <summary>One TCP option as written: <c>mss 1460</c>, <c>TS val 100 ecr 0</c>, <c>sack 1:2 3:4</c>, <c>FO abcd</c>…</summary>
internal sealed record TcpOptionSpec(TcpOptionKindSpec Kind, long Value = 0, long Value2 = 0, IReadOnlyList<(long Left, long Right)>? Blocks = null, string? Blob = null)
{
    public override string ToString() => Kind switch
    {
        TcpOptionKindSpec.Nop => "nop",
        TcpOptionKindSpec.Eol => "eol",
        TcpOptionKindSpec.Mss => $"mss {Value}",
        TcpOptionKindSpec.WindowScale => $"wscale {Value}",
        TcpOptionKindSpec.SackPermitted => "sackOK",
        TcpOptionKindSpec.Sack => "sack " + string.Join(' ', Blocks!.Select(b => $"{b.Left}:{b.Right}")),
        TcpOptionKindSpec.Md5 => $"md5 {Blob}",
        TcpOptionKindSpec.Timestamp => $"TS val {Value} ecr {Value2}",
        TcpOptionKindSpec.FastOpen => $"FO {Blob}".TrimEnd(),
        _ => $"FOEXP {Blob}".TrimEnd(),
    };
}
