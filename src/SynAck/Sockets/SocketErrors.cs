using System.Net.Sockets;
using SynAck.Tcp;

namespace SynAck.Sockets;

/// <summary>Turns the engine's <see cref="TcpError"/> into the exceptions .NET socket users expect.</summary>
internal static class SocketErrors
{
    public static SocketError ToSocketError(TcpError error) => error switch
    {
        TcpError.Refused => SocketError.ConnectionRefused,
        TcpError.Reset => SocketError.ConnectionReset,
        TcpError.TimedOut => SocketError.TimedOut,
        TcpError.Unreachable => SocketError.HostUnreachable,
        _ => SocketError.NotConnected,
    };

    /// <summary>What a connect attempt throws.</summary>
    public static SocketException ForConnect(TcpError error) => new((int)(error == TcpError.None ? SocketError.ConnectionRefused : ToSocketError(error)));

    /// <summary>What a read or write on a failed connection throws: an <see cref="IOException"/> around the socket error, as NetworkStream does.</summary>
    public static IOException ForStream(TcpError error)
    {
        var inner = new SocketException((int)ToSocketError(error));
        return new IOException($"the connection failed: {inner.Message}", inner);
    }

    public static IOException Aborted()
    {
        var inner = new SocketException((int)SocketError.OperationAborted);
        return new IOException("the connection was aborted locally", inner);
    }

    public static IOException Closed() => new("the connection is closed");
}
