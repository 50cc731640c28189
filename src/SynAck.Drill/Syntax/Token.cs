namespace SynAck.Drill.Syntax;

/// <summary>One token with the 1-based line and column where it starts.</summary>
internal readonly record struct Token(TokenKind Kind, string Text, int Line, int Column)
{
    public override string ToString() => Kind == TokenKind.End ? "end of script" : $"'{Text}'";
}
