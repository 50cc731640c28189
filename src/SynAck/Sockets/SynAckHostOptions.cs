using SynAck.Tcp;

namespace SynAck.Sockets;

/// <summary>How a <see cref="SynAckHost"/> runs its stack.</summary>
public sealed class SynAckHostOptions
{
    /// <summary>The TCP settings of the hosted <see cref="Stack.NetStack"/>; <see cref="TcpSettings.Default"/> when null.
    /// The MSS follows <see cref="TcpSettings.Mtu"/>, so it should not exceed the link's MTU.</summary>
    public TcpSettings? Settings { get; init; }

    /// <summary>The IP settings of the hosted stack (reassembly budget and timeouts, ICMP limits); <see cref="Stack.IpSettings.Default"/> when null.</summary>
    public Stack.IpSettings? IpSettings { get; init; }

    /// <summary>The clock; <see cref="TimeProvider.System"/> when null.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Seed of the stack's randomness (ephemeral ports, ISN key); null draws one from the OS.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Dispose the link when the host is disposed (default true).</summary>
    public bool OwnsLink { get; init; } = true;

    /// <summary>How long disposing the host lets connections the application already closed finish their FIN
    /// exchange before it aborts them (default 1 s).</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Count retransmissions per connection (<see cref="SynAckConnection.Retransmissions"/>); this attaches
    /// an observer to the stack, which costs a little per segment.</summary>
    public bool CountRetransmissions { get; init; }

    /// <summary>The event-loop thread's name.</summary>
    public string ThreadName { get; init; } = "synack-host";
}
