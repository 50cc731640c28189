using System.Net;
using SynAck.Links;
using SynAck.Sockets;
using SynAck.Tcp;
using SynAck.Wire;

namespace SynAck.Tests.Sockets;

/// <summary>Two SynAck hosts in this process joined by a <see cref="MemoryLinkPair"/>, running in real time.</summary>
internal sealed class HostPair : IAsyncDisposable
{
    public static readonly IpAddress ClientAddress = IpAddress.V4(192, 0, 2, 1);
    public static readonly IpAddress ServerAddress = IpAddress.V4(192, 0, 2, 2);
    public const ushort Port = 7000;

    /// <summary>Every await in these tests is bounded: a hang fails the test instead of stalling the suite.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    public HostPair(TcpSettings? settings = null)
    {
        Links = new MemoryLinkPair(capacity: 1024);
        var options = new SynAckHostOptions { Settings = settings, Seed = 1, ShutdownGrace = TimeSpan.FromMilliseconds(200) };
        Client = new SynAckHost(Links.A, ClientAddress, options);
        Server = new SynAckHost(Links.B, ServerAddress, new SynAckHostOptions { Settings = settings, Seed = 2, ShutdownGrace = TimeSpan.FromMilliseconds(200) });
        Listener = Server.Listen(Port);
    }

    public MemoryLinkPair Links { get; }

    public SynAckHost Client { get; }

    public SynAckHost Server { get; }

    public SynAckListener Listener { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static IPEndPoint ServerEndPoint(ushort port = Port) => new(ServerAddress.ToIPAddress(), port);

    /// <summary>A connected pair: the client's stream and the server's accepted stream.</summary>
    public async Task<(SynAckConnection Client, SynAckConnection Server)> ConnectAsync()
    {
        var accept = Listener.AcceptAsync(Ct).AsTask();
        var client = await Client.ConnectAsync(ServerEndPoint(), Ct).AsTask().WaitAsync(Limit, Ct);
        var server = await accept.WaitAsync(Limit, Ct);
        return (client, server);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Server.DisposeAsync();
        Links.Dispose();
    }
}
