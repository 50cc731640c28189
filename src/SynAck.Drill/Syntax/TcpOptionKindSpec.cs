namespace SynAck.Drill.Syntax;

/// <summary>The TCP options the grammar names.</summary>
internal enum TcpOptionKindSpec
{
    Nop,
    Eol,
    Mss,
    WindowScale,
    SackPermitted,
    Sack,
    Md5,
    Timestamp,
    FastOpen,
    FastOpenExp,
}
