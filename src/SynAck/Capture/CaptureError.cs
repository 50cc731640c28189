namespace SynAck.Capture;

/// <summary>
/// Why a capture could not be read further.
/// </summary>
/// <param name="Offset">Byte offset, from the start of the stream, of the file header, block or
/// record header where the damage was found.</param>
/// <param name="Message">What was wrong, in words.</param>
public sealed record CaptureError(long Offset, string Message)
{
    public override string ToString() => $"at byte {Offset}: {Message}";
}
