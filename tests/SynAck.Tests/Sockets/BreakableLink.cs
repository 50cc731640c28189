using SynAck.Links;

namespace SynAck.Tests.Sockets;

/// <summary>Passes everything to an inner link until <see cref="Break"/>: from then on it fails as a TUN device
/// does once deleted (receive and wait throw <see cref="LinkFailedException"/>, sends are refused).</summary>
internal sealed class BreakableLink(ILink inner) : ILink
{
    private volatile LinkFailedException? _failure;

    public string Name => inner.Name;

    public int Mtu => inner.Mtu;

    public LinkCounters Counters => inner.Counters;

    public LinkFailedException Break(string message)
    {
        var failure = new LinkFailedException(message);
        _failure = failure;
        inner.Wake();
        return failure;
    }

    public bool TryReceive(Span<byte> buffer, out int length)
    {
        if (_failure is { } f)
            throw f;
        return inner.TryReceive(buffer, out length);
    }

    public bool TrySend(ReadOnlySpan<byte> packet) => _failure is null && inner.TrySend(packet);

    public LinkWaitResult Wait(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (_failure is { } f)
            throw f;
        var result = inner.Wait(timeout, cancellationToken);
        if (_failure is { } g)
            throw g;
        return result;
    }

    public void Wake() => inner.Wake();

    public void Dispose() => inner.Dispose();
}
