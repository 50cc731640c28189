namespace SynAck.Links;

/// <summary>
/// What crossed a link: packets and bytes each way, and packets the link refused to send.
/// Written by the link's owner thread; reading from another thread gives a recent value.
/// </summary>
public sealed class LinkCounters
{
    private long _packetsSent;
    private long _bytesSent;
    private long _packetsReceived;
    private long _bytesReceived;
    private long _sendsRefused;
    private long _receivesDropped;
    private long _superPacketsSent;
    private long _superPacketsReceived;

    /// <summary>Packets the link took in <see cref="ILink.TrySend"/>.</summary>
    public long PacketsSent => Volatile.Read(ref _packetsSent);

    /// <summary>Bytes of the packets counted in <see cref="PacketsSent"/>.</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Packets handed out by <see cref="ILink.TryReceive(Span{byte}, out int)"/>.</summary>
    public long PacketsReceived => Volatile.Read(ref _packetsReceived);

    /// <summary>Bytes of the packets counted in <see cref="PacketsReceived"/>.</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>Calls to <see cref="ILink.TrySend"/> that returned false.</summary>
    public long SendsRefused => Volatile.Read(ref _sendsRefused);

    /// <summary>Packets the link read but could not hand out (an offload frame it could not make sense of).</summary>
    public long ReceivesDropped => Volatile.Read(ref _receivesDropped);

    /// <summary>Segmentation-offload super-packets written (each counted in <see cref="PacketsSent"/> once per segment it joined).</summary>
    public long SuperPacketsSent => Volatile.Read(ref _superPacketsSent);

    /// <summary>Segmentation-offload super-packets read (each counted in <see cref="PacketsReceived"/> as handed out: whole, or per segment).</summary>
    public long SuperPacketsReceived => Volatile.Read(ref _superPacketsReceived);

    internal void OnReceiveDropped() => Volatile.Write(ref _receivesDropped, _receivesDropped + 1);

    internal void OnSuperPacketSent() => Volatile.Write(ref _superPacketsSent, _superPacketsSent + 1);

    internal void OnSuperPacketReceived() => Volatile.Write(ref _superPacketsReceived, _superPacketsReceived + 1);

    internal void OnSent(int length)
    {
        Volatile.Write(ref _packetsSent, _packetsSent + 1);
        Volatile.Write(ref _bytesSent, _bytesSent + length);
    }

    internal void OnReceived(int length)
    {
        Volatile.Write(ref _packetsReceived, _packetsReceived + 1);
        Volatile.Write(ref _bytesReceived, _bytesReceived + length);
    }

    internal void OnSendRefused() => Volatile.Write(ref _sendsRefused, _sendsRefused + 1);

    /// <inheritdoc/>
    public override string ToString()
        => $"sent {PacketsSent} ({BytesSent} B), received {PacketsReceived} ({BytesReceived} B), refused {SendsRefused}";
}
