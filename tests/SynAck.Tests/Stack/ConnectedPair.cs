using SynAck.Stack;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Tests.Stack;

/// <summary>Shortcuts over <see cref="TwoStacks"/>: open a connection, move bytes, read everything.</summary>
internal static class ConnectedPair
{
    public static (TcpHandle Client, TcpHandle Server) Open(TwoStacks h, ushort port = 80)
    {
        h.Server.Listen(port);
        var c = h.Client.Connect(TwoStacks.ServerAddress, port, h.Now);
        TcpHandle s = default;
        Assert.True(h.RunUntil(() => h.Server.TryAccept(port, out s), h.Now + Duration.FromSeconds(10)));
        Assert.True(h.RunUntil(() => h.Client.State(c) == TcpState.Established, h.Now + Duration.FromSeconds(10)));
        return (c, s);
    }

    public static ConnectionId ServerSide(ConnectionId clientSide)
        => new(clientSide.RemoteAddress, clientSide.RemotePort, clientSide.LocalAddress, clientSide.LocalPort);

    public static byte[] Pattern(int length, int seed = 7)
    {
        var data = new byte[length];
        var rng = new SplitMix64Random((ulong)seed);
        for (int i = 0; i < length; i++)
            data[i] = (byte)rng.NextUInt64();
        return data;
    }

    /// <summary>Sends all of <paramref name="data"/> from one side while reading on the other, until it has all arrived.</summary>
    public static byte[] Transfer(TwoStacks h, NetStack from, TcpHandle fh, NetStack to, TcpHandle th, byte[] data, Duration limit)
    {
        int sent = 0;
        var received = new List<byte>(data.Length);
        var buf = new byte[8192];
        bool ok = h.RunUntil(() =>
        {
            if (sent < data.Length)
                sent += from.Send(fh, data.AsSpan(sent), h.Now);
            int n;
            while ((n = to.Receive(th, buf, h.Now)) > 0)
                received.AddRange(buf.AsSpan(0, n).ToArray());
            return received.Count >= data.Length;
        }, h.Now + limit);
        Assert.True(ok, $"transfer incomplete: {received.Count} of {data.Length} bytes");
        return [.. received];
    }
}
