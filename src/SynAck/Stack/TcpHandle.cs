namespace SynAck.Stack;

/// <summary>The application's reference to one connection of a <see cref="NetStack"/> (like a socket descriptor).</summary>
public readonly record struct TcpHandle(int Value)
{
    /// <summary>True for a handle a stack handed out (never 0).</summary>
    public bool IsValid => Value != 0;
}
