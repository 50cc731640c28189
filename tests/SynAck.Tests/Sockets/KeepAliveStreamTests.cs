using SynAck.Sockets;
using SynAck.Tcp;
using SynAck.Time;

namespace SynAck.Tests.Sockets;

/// <summary>Keep-alive and user timeout through <see cref="SynAckConnection"/> (the engine's timing is in Tcp/KeepAliveTests).</summary>
public sealed class KeepAliveStreamTests
{
    private static CancellationToken Ct => HostPair.Ct;

    [Fact]
    public async Task Keep_alive_probes_of_an_idle_connection_are_answered_and_it_stays_usable()
    {
        // The peer answers a probe (an out-of-window segment) at most once per InvalidAckInterval; probes 20 ms apart
        // need a shorter one than the default 500 ms, or they would rightly look unanswered.
        await using var pair = new HostPair(new TcpSettings { InvalidAckInterval = Duration.FromMilliseconds(1) });
        var (client, server) = await pair.ConnectAsync();
        await client.SetKeepAliveAsync(TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20), 2).WaitAsync(HostPair.Limit, Ct);
        // Wait (bounded) until more probes went out than the count that would end an unanswered connection.
        var deadline = DateTime.UtcNow + HostPair.Limit;
        long probes = 0;
        while (probes < 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10, Ct);
            probes = await pair.Client.InvokeAsync(s => s.Counters.KeepAliveProbes).WaitAsync(HostPair.Limit, Ct);
        }
        Assert.True(probes >= 5, $"{probes} probes");
        Assert.Equal(TcpError.None, client.Error);
        await client.WriteAsync("ok"u8.ToArray(), Ct).AsTask().WaitAsync(HostPair.Limit, Ct);
        var got = new byte[2];
        int n = 0;
        while (n < 2)
            n += await server.ReadAsync(got.AsMemory(n), Ct).AsTask().WaitAsync(HostPair.Limit, Ct);
        Assert.Equal("ok"u8.ToArray(), got);
    }

    [Fact]
    public async Task Settings_on_a_closed_connection_do_nothing()
    {
        await using var pair = new HostPair();
        var (client, _) = await pair.ConnectAsync();
        client.Abort();
        await client.SetKeepAliveAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), 1).WaitAsync(HostPair.Limit, Ct);
        await client.SetUserTimeoutAsync(TimeSpan.FromSeconds(1)).WaitAsync(HostPair.Limit, Ct);
        await client.DisableKeepAliveAsync().WaitAsync(HostPair.Limit, Ct);
    }
}
