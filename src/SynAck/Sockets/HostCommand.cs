namespace SynAck.Sockets;

/// <summary>One user call posted to the event loop; <see cref="Version"/> ties a cancellation to the operation it cancels.</summary>
internal readonly record struct HostCommand(HostCommandKind Kind, object? Target, short Version = 0);
