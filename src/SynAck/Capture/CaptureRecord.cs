namespace SynAck.Capture;

/// <summary>
/// One captured packet.
/// </summary>
/// <param name="FrameNumber">1 for the first packet of the file, as Wireshark numbers frames.</param>
/// <param name="TimestampNanoseconds">Nanoseconds since the Unix epoch (the pcapng
/// <c>if_tsoffset</c> already added).</param>
/// <param name="LinkType">The link-layer header type of <paramref name="Data"/>.</param>
/// <param name="InterfaceId">The interface the packet was captured on. In pcapng files with
/// several sections the number runs on across sections (interfaces of the second section
/// follow those of the first), so it identifies one interface in the whole file.</param>
/// <param name="Data">The captured bytes (at most the snap length). Backed by a buffer the
/// reader reuses: valid only until the next <see cref="CaptureReader.TryReadNext"/>; copy it
/// to keep it.</param>
/// <param name="OriginalLength">The packet's length on the wire (greater than
/// <c>Data.Length</c> when the capture cut it short).</param>
/// <param name="Direction">Inbound or outbound when the file records it (pcapng
/// <c>epb_flags</c>).</param>
public readonly record struct CaptureRecord(
    long FrameNumber,
    long TimestampNanoseconds,
    LinkType LinkType,
    int InterfaceId,
    ReadOnlyMemory<byte> Data,
    int OriginalLength,
    PacketDirection Direction)
{
    /// <summary>True when the capture holds fewer bytes than the packet had on the wire.</summary>
    public bool IsTruncated => Data.Length < OriginalLength;
}
