using System.Buffers.Binary;

namespace SynAck.Drill.Run;

/// <summary>One TCP option as it sits in a header, in order (NOPs included), for packetdrill's kind-by-kind comparison.</summary>
internal sealed record RawTcpOption(byte Kind, byte[] Data)
{
    /// <summary>Splits option bytes into options; stops at EOL (kept) or at a malformed length.</summary>
    public static List<RawTcpOption> Parse(ReadOnlySpan<byte> bytes)
    {
        var list = new List<RawTcpOption>();
        int i = 0;
        while (i < bytes.Length)
        {
            byte kind = bytes[i];
            if (kind is 0 or 1)
            {
                list.Add(new RawTcpOption(kind, []));
                i++;
                if (kind == 0)
                    break;
                continue;
            }
            if (i + 1 >= bytes.Length || bytes[i + 1] < 2 || i + bytes[i + 1] > bytes.Length)
                break;
            list.Add(new RawTcpOption(kind, bytes.Slice(i + 2, bytes[i + 1] - 2).ToArray()));
            i += bytes[i + 1];
        }
        return list;
    }

    public uint U32(int offset) => BinaryPrimitives.ReadUInt32BigEndian(Data.AsSpan(offset));

    /// <summary>The option in the script's notation, SACK blocks and TS values as given (already mapped by the caller).</summary>
    public string Describe(Func<uint, long>? sackMap = null) => Kind switch
    {
        0 => "eol",
        1 => "nop",
        2 when Data.Length == 2 => $"mss {BinaryPrimitives.ReadUInt16BigEndian(Data)}",
        3 when Data.Length == 1 => $"wscale {Data[0]}",
        4 => "sackOK",
        5 => "sack " + string.Join(' ', Enumerable.Range(0, Data.Length / 8).Select(b => $"{Map(sackMap, U32(b * 8))}:{Map(sackMap, U32(b * 8 + 4))}")),
        8 when Data.Length == 8 => $"TS val {U32(0)} ecr {U32(4)}",
        34 => "FO " + Convert.ToHexStringLower(Data),
        _ => $"kind {Kind} len {Data.Length + 2}",
    };

    private static long Map(Func<uint, long>? f, uint v) => f is null ? v : f(v);
}
