using System.Numerics;
using System.Runtime.CompilerServices;
using SynAck.Wire;

namespace SynAck.Capture;

/// <summary>
/// The encapsulations one frame passed through, outermost first, as <see cref="LinkLayer.Decode(LinkType, ReadOnlySpan{byte}, ref TunnelTrail, out ReadOnlySpan{byte})"/>
/// met them: VLAN tags, MPLS labels, PPPoE sessions, PBB, and the tunnels carried by IP with their outer addresses.
/// A plain frame leaves it empty. It is a reusable value: the caller keeps one and the decoder resets it, so
/// recording costs nothing for frames without encapsulation and allocates nothing for those with it.
/// </summary>
/// <remarks>Two hashes split what identifies a tunnel: <see cref="PathHash"/> (the tunnels carried by IP: their kinds
/// and outer address pairs, each pair in a fixed order, so both directions of a flow give the same value) and
/// <see cref="IdHash"/> (everything else: the ids — VLAN ids, labels, VNIs, TEIDs, keys — and the link-layer tags and
/// labels themselves), which may differ between the two directions of one flow: MPLS labels and GTP-U TEIDs are chosen
/// by the receiving end, and a label popped before the last hop or a VLAN tag stripped on one side leaves one direction
/// without it. At most <see cref="Capacity"/> layers are kept.</remarks>
public struct TunnelTrail
{
    /// <summary>The layers kept; deeper ones are not recorded.</summary>
    public const int Capacity = 8;

    private Layers _layers;
    private int _count;

    /// <summary>Layers recorded.</summary>
    public readonly int Count => Math.Min(_count, Capacity);

    /// <summary>The frame passed no encapsulation.</summary>
    public readonly bool IsEmpty => _count == 0;

    /// <summary>The layer at <paramref name="index"/>, outermost first.</summary>
    public readonly TunnelLayer this[int index]
        => (uint)index < (uint)Count ? _layers[index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The layers as an array (outermost first).</summary>
    public readonly TunnelLayer[] ToArray()
    {
        var result = new TunnelLayer[Count];
        for (int i = 0; i < result.Length; i++)
            result[i] = _layers[i];
        return result;
    }

    /// <summary>A hash of the tunnels carried by IP (kinds and outer address pairs), the same for both directions of a flow (0 when there are none).</summary>
    public readonly ulong PathHash
    {
        get
        {
            ulong h = 0;
            if (_count == 0)
                return h;
            for (int i = 0; i < Count; i++)
            {
                var layer = _layers[i];
                if (layer.HasOuter)
                {
                    h = Mix(h == 0 ? 0x243F6A8885A308D3 : h, (ulong)layer.Kind + 1);
                    var (a1, a2) = Words(layer.OuterSource);
                    var (b1, b2) = Words(layer.OuterDestination);
                    // The lower address first, so that the reverse direction's swapped addresses hash alike.
                    if (a1 > b1 || (a1 == b1 && a2 > b2))
                        (a1, a2, b1, b2) = (b1, b2, a1, a2);
                    h = Mix(Mix(Mix(Mix(h, a1), a2), b1), b2);
                }
            }
            return h;
        }
    }

    /// <summary>A hash of the layers' ids and of the layers not carried by IP (tags, labels), as this direction carries them (0 when it has neither).</summary>
    public readonly ulong IdHash
    {
        get
        {
            ulong h = 0;
            if (_count == 0)
                return h;
            for (int i = 0; i < Count; i++)
            {
                var layer = _layers[i];
                if (layer.HasId || !layer.HasOuter)
                    h = Mix(h, (ulong)i << 48 | (layer.HasId ? 1UL << 40 : 0) | (ulong)layer.Kind << 32 | layer.Id);
            }
            return h;
        }
    }

    /// <summary>Forgets the layers of the previous frame.</summary>
    public void Reset() => _count = 0;

    internal readonly int Mark => _count;

    internal void Truncate(int mark) => _count = Math.Min(_count, mark);

    internal void Add(TunnelKind kind, uint id, bool hasId = true)
    {
        if (_count < Capacity)
            _layers[_count] = new TunnelLayer(kind, id, hasId, default, default, false);
        _count++;
    }

    /// <summary>Gives the layer at <paramref name="index"/> (added by a tunnel decoder beneath IP) the outer packet's addresses.</summary>
    internal void SetOuter(int index, IpAddress source, IpAddress destination)
    {
        if (index < Capacity && index < _count)
            _layers[index] = _layers[index] with { OuterSource = source, OuterDestination = destination, HasOuter = true };
    }

    private static (ulong, ulong) Words(IpAddress a)
    {
        Span<byte> b = stackalloc byte[16];
        if (a.IsV4)
            return (0, 1UL << 32 | a.V4Value);
        a.WriteTo(b);
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(b), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(b[8..]));
    }

    private static ulong Mix(ulong h, ulong v)
    {
        h ^= v + 0x9E3779B97F4A7C15 + (h << 6) + (h >> 2);
        h *= 0xBF58476D1CE4E5B9;
        return BitOperations.RotateLeft(h, 29);
    }

    [InlineArray(Capacity)]
    private struct Layers
    {
        private TunnelLayer _first;
    }
}
