namespace SynAck.Cli.Commands;

/// <summary>How <c>serve</c> and <c>connect</c> move bulk data.</summary>
internal static class Transfer
{
    /// <summary>Bytes per read and write: 1 MiB, more than a connection's buffers hold by default (256 KiB), so one
    /// call takes or gives all there is and the number of hops between the application and the host's loop
    /// thread stays low.</summary>
    public const int ChunkSize = 1024 * 1024;
}
