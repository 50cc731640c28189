using System.Net;
using System.Net.Http;

namespace SynAck.Sockets;

/// <summary>Plugs a <see cref="SynAckHost"/> into <see cref="HttpClient"/>: every HTTP connection is a SynAck connection.</summary>
/// <example>
/// <code>
/// using var client = new HttpClient(SynAckHttp.CreateHandler(host));
/// string page = await client.GetStringAsync("http://198.18.0.1:8000/");
/// </code>
/// </example>
public static class SynAckHttp
{
    /// <summary>A <see cref="SocketsHttpHandler"/> whose <see cref="SocketsHttpHandler.ConnectCallback"/> connects through <paramref name="host"/>.
    /// The host has no resolver: URLs must name an address.</summary>
    public static SocketsHttpHandler CreateHandler(SynAckHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new SocketsHttpHandler
        {
            ConnectCallback = (context, cancellationToken) => ConnectAsync(host, context.DnsEndPoint, cancellationToken),
            UseProxy = false,
        };
    }

    /// <summary>The connect callback itself, for handlers configured elsewhere.</summary>
    public static async ValueTask<Stream> ConnectAsync(SynAckHost host, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(endPoint);
        if (!IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var address))
            throw new HttpRequestException($"SynAck has no resolver: '{endPoint.Host}' is not an address");
        return await host.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken).ConfigureAwait(false);
    }
}
