namespace SynAck.Drill.Syntax;

internal sealed partial class ScriptParser
{
    private static readonly HashSet<string> PrefixWords = ["ipv4", "ipv6", "gre", "mpls"];

    private PacketAction Packet()
    {
        var dirToken = Take();
        var dir = dirToken.Kind == TokenKind.Less ? PacketDirection.Inbound : PacketDirection.Outbound;
        string? prefix = null;
        while (Cur.Kind == TokenKind.Word && PrefixWords.Contains(Cur.Text))
            prefix = (prefix is null ? "" : prefix + " ") + TextUntilColon();
        string? ipInfo = IpInfo();
        int? sport = null, dport = null;
        if (At(TokenKind.Integer) && PeekAt(1).Kind == TokenKind.Greater)
        {
            sport = (int)Integer("a port");
            _p++;
            dport = (int)Integer("a port");
        }
        if (AtWord("udp") || AtWord("icmp"))
        {
            string proto = Take().Text;
            string detail = TextOfLine();
            return new PacketAction { Direction = dir, Protocol = proto, Prefix = prefix, IpInfo = ipInfo, Detail = detail, SourcePort = sport, DestinationPort = dport };
        }
        (string flags, bool ackFlag) = Flags();
        long seqStart = Integer("a sequence number");
        Expect(TokenKind.Colon, "':' in start:end(length)");
        long seqEnd = Integer("a sequence number");
        Expect(TokenKind.LParen, "'(' in start:end(length)");
        long len = Integer("a payload length");
        Expect(TokenKind.RParen, "')' in start:end(length)");
        if (seqEnd - seqStart != len && !(seqEnd < seqStart))
            throw new DrillSyntaxException($"inconsistent sequence range {seqStart}:{seqEnd}({len})", _t[_p - 1].Line, _t[_p - 1].Column);
        long? ack = null, win = null, urg = null;
        if (AtWord("ack"))
        {
            _p++;
            ack = Integer("an ack number");
        }
        if (AtWord("win"))
        {
            _p++;
            win = Integer("a window");
        }
        if (AtWord("urg"))
        {
            _p++;
            urg = Integer("an urgent pointer");
        }
        bool anyOptions = false;
        List<TcpOptionSpec>? options = null;
        if (win is null && dir == PacketDirection.Inbound)
            throw new DrillSyntaxException("window must be specified for inbound packets (win N)", dirToken.Line, dirToken.Column);
        if (At(TokenKind.Less))
        {
            _p++;
            if (At(TokenKind.Ellipsis))
            {
                if (dir == PacketDirection.Inbound)
                    throw Error("<...> for TCP options can only be used with outbound packets");
                _p++;
                anyOptions = true;
            }
            else
            {
                options = [TcpOption()];
                while (At(TokenKind.Comma))
                {
                    _p++;
                    options.Add(TcpOption());
                }
            }
            Expect(TokenKind.Greater, "'>' closing the TCP options");
        }
        return new PacketAction
        {
            Direction = dir, Prefix = prefix, IpInfo = ipInfo, SourcePort = sport, DestinationPort = dport,
            Flags = flags, FlagsAck = ackFlag, SeqStart = seqStart, SeqEnd = seqEnd, PayloadLength = len,
            Ack = ack, Window = win, Urgent = urg, AnyOptions = anyOptions, Options = options,
        };
    }

    private (string Flags, bool Ack) Flags()
    {
        if (At(TokenKind.Minus))
        {
            _p++;
            return ("", false);
        }
        if (At(TokenKind.Dot))
        {
            _p++;
            return ("", true);
        }
        if (!At(TokenKind.Word))
            throw Error($"expected TCP flags (such as S, S., P., F., R, .), found {Cur}");
        var w = Take();
        foreach (char c in w.Text)
        {
            if ("SFRPUEWA".IndexOf(c) < 0)
                throw new DrillSyntaxException($"unknown TCP flag '{c}' in '{w.Text}'", w.Line, w.Column);
        }
        bool ack = At(TokenKind.Dot);
        if (ack)
            _p++;
        return (w.Text, ack);
    }

    private string? IpInfo()
    {
        if (!At(TokenKind.LParen) && !At(TokenKind.LBracket))
            return null;
        var close = At(TokenKind.LParen) ? TokenKind.RParen : TokenKind.RBracket;
        var open = Take();
        var parts = new List<string>();
        while (!At(close))
        {
            if (At(TokenKind.End))
                throw new DrillSyntaxException("unclosed IP information", open.Line, open.Column);
            parts.Add(Take().Text);
        }
        _p++;
        if (parts.Count == 0)
            throw new DrillSyntaxException("empty IP information", open.Line, open.Column);
        return string.Join(' ', parts);
    }

    /// <summary>Consumes an encapsulation prefix up to and including its ':' (outside parentheses).</summary>
    private string TextUntilColon()
    {
        var first = Cur;
        var parts = new List<string>();
        int depth = 0;
        while (!(depth == 0 && At(TokenKind.Colon)) && !At(TokenKind.End))
        {
            if (At(TokenKind.LParen) || At(TokenKind.LBracket))
                depth++;
            if (At(TokenKind.RParen) || At(TokenKind.RBracket))
                depth--;
            parts.Add(Take().Text);
        }
        if (!At(TokenKind.Colon))
            throw new DrillSyntaxException("expected ':' after the packet prefix", first.Line, first.Column);
        _p++;
        return string.Join(' ', parts);
    }

    /// <summary>The tokens up to the next one on a later line (UDP and ICMP lines are kept as text).</summary>
    private string TextOfLine()
    {
        int line = _t[_p - 1].Line;
        var parts = new List<string>();
        while (!At(TokenKind.End) && Cur.Line == line)
            parts.Add(Take().Text);
        return string.Join(' ', parts);
    }

    private TcpOptionSpec TcpOption()
    {
        var w = Cur;
        if (w.Kind != TokenKind.Word)
            throw Error($"expected a TCP option, found {w}");
        _p++;
        switch (w.Text)
        {
            case "nop":
                return new TcpOptionSpec(TcpOptionKindSpec.Nop);
            case "eol":
                return new TcpOptionSpec(TcpOptionKindSpec.Eol);
            case "mss":
                return new TcpOptionSpec(TcpOptionKindSpec.Mss, Integer("an MSS"));
            case "wscale":
                return new TcpOptionSpec(TcpOptionKindSpec.WindowScale, Integer("a window scale"));
            case "sackOK":
                return new TcpOptionSpec(TcpOptionKindSpec.SackPermitted);
            case "sack":
                var blocks = new List<(long, long)>();
                while (At(TokenKind.Integer))
                {
                    long l = Integer("a SACK block start");
                    Expect(TokenKind.Colon, "':' in a SACK block");
                    blocks.Add((l, Integer("a SACK block end")));
                }
                if (blocks.Count == 0)
                    throw Error("expected SACK blocks left:right");
                return new TcpOptionSpec(TcpOptionKindSpec.Sack, Blocks: blocks);
            case "md5":
                return new TcpOptionSpec(TcpOptionKindSpec.Md5, Blob: HexBlob(required: true));
            case "TS":
                ExpectWord("val");
                long val = Integer("a TS val");
                ExpectWord("ecr");
                return new TcpOptionSpec(TcpOptionKindSpec.Timestamp, val, Integer("a TS ecr"));
            case "FO":
                return new TcpOptionSpec(TcpOptionKindSpec.FastOpen, Blob: HexBlob(required: false));
            case "FOEXP":
                return new TcpOptionSpec(TcpOptionKindSpec.FastOpenExp, Blob: HexBlob(required: false));
            default:
                throw new DrillSyntaxException($"unknown TCP option '{w.Text}'", w.Line, w.Column);
        }
    }

    private string? HexBlob(bool required)
    {
        if (At(TokenKind.Word) || At(TokenKind.Integer))
            return Take().Text;
        if (required)
            throw Error($"expected a hex value, found {Cur}");
        return null;
    }
}
