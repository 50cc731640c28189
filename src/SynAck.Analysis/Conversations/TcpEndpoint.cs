using System.Globalization;
using SynAck.Wire;

namespace SynAck.Analysis.Conversations;

/// <summary>An address and port: one end of a TCP connection.</summary>
public readonly record struct TcpEndpoint(IpAddress Address, ushort Port)
{
    /// <summary>"10.0.0.1:80", or "[::1]:80" for IPv6.</summary>
    public override string ToString()
        => Address.IsV6
            ? string.Create(CultureInfo.InvariantCulture, $"[{Address}]:{Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{Address}:{Port}");
}
