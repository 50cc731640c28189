using System.Buffers.Binary;
using SynAck.Drill.Syntax;
using SynAck.Wire;

namespace SynAck.Drill.Run;

/// <summary>
/// Builds the IP packet for a script's <c>&lt;</c> line on a connection: live sequence, ack and SACK numbers,
/// the options in the order written (TS ecr mapped to the TS val the stack sent, as packetdrill does), a
/// payload of zeros, and correct checksums.
/// </summary>
internal static class InboundPacketBuilder
{
    public static byte[] Build(PacketAction p, ScriptConnection c, IpAddress src, IpAddress dst, int line)
    {
        bool ack = p.FlagsAck;
        var opts = new List<byte>();
        foreach (var o in p.Options ?? [])
            Encode(o, c, ack, opts, line);
        while (opts.Count % 4 != 0)
            opts.Add(0);
        if (opts.Count > 40)
            throw new DrillFailure(line, "TCP options longer than 40 bytes");
        int tcpLen = 20 + opts.Count + (int)p.PayloadLength;
        int ipLen = src.IsV6 ? 40 : 20;
        var b = new byte[ipLen + tcpLen];
        var (tos, ttl) = IpInfo(p.IpInfo, line);
        if (src.IsV6)
        {
            b[0] = (byte)(0x60 | (tos >> 4));
            b[1] = (byte)(tos << 4);
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(4), (ushort)tcpLen);
            b[6] = (byte)IpProtocol.Tcp;
            b[7] = ttl;
            src.WriteTo(b.AsSpan(8));
            dst.WriteTo(b.AsSpan(24));
        }
        else
        {
            b[0] = 0x45;
            b[1] = tos;
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(2), (ushort)b.Length);
            b[8] = ttl;
            b[9] = (byte)IpProtocol.Tcp;
            src.WriteTo(b.AsSpan(12));
            dst.WriteTo(b.AsSpan(16));
            BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(10), Checksum.Compute(b.AsSpan(0, 20)));
        }
        var t = b.AsSpan(ipLen);
        BinaryPrimitives.WriteUInt16BigEndian(t, (ushort)(p.SourcePort ?? c.RemotePort));
        BinaryPrimitives.WriteUInt16BigEndian(t[2..], (ushort)(p.DestinationPort ?? c.LocalPort));
        bool syn = p.Flags.Contains('S', StringComparison.Ordinal);
        // packetdrill (socket.h): a SYN's sequence number is absolute and becomes the remote ISN; other packets count from it.
        if (syn && (c.RemoteIsnScript is null || ack))
            c.RemoteIsnScript = unchecked((uint)p.SeqStart);
        BinaryPrimitives.WriteUInt32BigEndian(t[4..], c.LiveRemote(p.SeqStart, syn));
        BinaryPrimitives.WriteUInt32BigEndian(t[8..], ack ? c.LiveLocal(p.Ack ?? 0) : (uint)(p.Ack ?? 0));
        t[12] = (byte)((20 + opts.Count) / 4 << 4);
        t[13] = (byte)Flags(p);
        BinaryPrimitives.WriteUInt16BigEndian(t[14..], (ushort)(p.Window ?? 0));
        BinaryPrimitives.WriteUInt16BigEndian(t[18..], (ushort)(p.Urgent ?? 0));
        opts.ToArray().CopyTo(t[20..]);
        uint sum = Checksum.PseudoHeaderSum(src, dst, IpProtocol.Tcp, tcpLen);
        BinaryPrimitives.WriteUInt16BigEndian(t[16..], Checksum.Compute(t, sum));
        return b;
    }

    public static TcpFlags Flags(PacketAction p)
    {
        var f = p.FlagsAck ? TcpFlags.Ack : TcpFlags.None;
        foreach (char ch in p.Flags)
        {
            f |= ch switch
            {
                'S' => TcpFlags.Syn,
                'F' => TcpFlags.Fin,
                'R' => TcpFlags.Rst,
                'P' => TcpFlags.Psh,
                'U' => TcpFlags.Urg,
                'E' => TcpFlags.Ece,
                'W' => TcpFlags.Cwr,
                _ => TcpFlags.None,
            };
        }
        return f;
    }

    /// <summary>TOS byte and TTL from <c>[ect0]</c>, <c>(tos 0x…)</c>, <c>ttl N</c>; flow labels and the rest are unsupported.</summary>
    public static (byte Tos, byte Ttl) IpInfo(string? info, int line)
    {
        if (info is null)
            return (0, 64);
        var w = info.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        byte tos = 0, ttl = 64;
        for (int i = 0; i < w.Length; i++)
        {
            switch (w[i])
            {
                case "noecn":
                    break;
                case "ect0":
                    tos |= 2;
                    break;
                case "ect1":
                    tos |= 1;
                    break;
                case "ce":
                    tos |= 3;
                    break;
                case "tos" when i + 1 < w.Length:
                    tos = Convert.ToByte(w[++i], 16);
                    break;
                case "ttl" when i + 1 < w.Length:
                    ttl = byte.Parse(w[++i], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new DrillUnsupported(line, $"IP information [{info}]");
            }
        }
        return (tos, ttl);
    }

    private static void Encode(TcpOptionSpec o, ScriptConnection c, bool ack, List<byte> b, int line)
    {
        switch (o.Kind)
        {
            case TcpOptionKindSpec.Nop:
                b.Add(1);
                break;
            case TcpOptionKindSpec.Eol:
                b.Add(0);
                break;
            case TcpOptionKindSpec.Mss:
                b.AddRange([2, 4, (byte)(o.Value >> 8), (byte)o.Value]);
                break;
            case TcpOptionKindSpec.WindowScale:
                b.AddRange([3, 3, (byte)o.Value]);
                break;
            case TcpOptionKindSpec.SackPermitted:
                b.AddRange([4, 2]);
                break;
            case TcpOptionKindSpec.Sack:
                b.AddRange([5, (byte)(2 + 8 * o.Blocks!.Count)]);
                foreach (var (l, r) in o.Blocks)
                {
                    U32(b, c.LiveLocal(l));
                    U32(b, c.LiveLocal(r));
                }
                break;
            case TcpOptionKindSpec.Timestamp:
                b.AddRange([8, 10]);
                U32(b, (uint)o.Value);
                U32(b, ack ? LiveEcr(c, (uint)o.Value2, line) : (uint)o.Value2);
                break;
            case TcpOptionKindSpec.Md5:
                throw new DrillUnsupported(line, "TCP MD5 signature option (RFC 2385)");
            case TcpOptionKindSpec.FastOpen or TcpOptionKindSpec.FastOpenExp:
                // RFC 7413 §4.1.1: kind 34 and the cookie; the experimental form (kind 254) puts magic 0xF989 first.
                string hex = o.Blob ?? "";
                if (hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
                    throw new DrillUnsupported(line, $"TCP option {o} (a cookie that is not hex digits)");
                byte[] cookie = Convert.FromHexString(hex);
                bool exp = o.Kind == TcpOptionKindSpec.FastOpenExp;
                b.AddRange(exp ? [254, (byte)(4 + cookie.Length), 0xF9, 0x89] : [34, (byte)(2 + cookie.Length)]);
                b.AddRange(cookie);
                break;
            default:
                throw new DrillUnsupported(line, $"TCP option {o}");
        }
    }

    /// <summary>The live TS val that a script TS ecr stands for: the exact one the stack sent, or one interpolated from the first.</summary>
    private static uint LiveEcr(ScriptConnection c, uint scriptEcr, int line)
    {
        if (c.TsValMap.TryGetValue(scriptEcr, out uint live))
            return live;
        if (c.FirstTs is { } f)
            return unchecked(scriptEcr - f.Script + f.Live);
        if (scriptEcr == 0)
            return 0;
        throw new DrillFailure(line, $"unable to infer live TS ecr for script TS ecr {scriptEcr}: no outbound TS val seen yet");
    }

    private static void U32(List<byte> b, uint v) => b.AddRange([(byte)(v >> 24), (byte)(v >> 16), (byte)(v >> 8), (byte)v]);
}
