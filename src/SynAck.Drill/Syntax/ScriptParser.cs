using System.Globalization;

namespace SynAck.Drill.Syntax;

/// <summary>
/// Recursive-descent parser for the grammar of packetdrill's syntax.md: options, init command, timed events
/// (packets, system calls, shell commands, Python code), cleanup command. Errors are
/// <see cref="DrillSyntaxException"/>s with the line and column of the offending token.
/// </summary>
internal sealed partial class ScriptParser
{
    private readonly List<Token> _t;
    private int _p;

    private ScriptParser(List<Token> tokens) => _t = tokens;

    /// <summary>Parses a whole script.</summary>
    public static DrillScript Parse(string source) => new ScriptParser(Lexer.Tokenize(source)).Script();

    private Token Cur => _t[_p];

    private Token PeekAt(int k) => _t[Math.Min(_p + k, _t.Count - 1)];

    private bool At(TokenKind k) => Cur.Kind == k;

    private bool AtWord(string w) => Cur.Kind == TokenKind.Word && Cur.Text == w;

    private Token Take() => _t[_p++];

    private Token Expect(TokenKind k, string what)
    {
        if (Cur.Kind != k)
            throw Error($"expected {what}, found {Cur}");
        return Take();
    }

    private void ExpectWord(string w)
    {
        if (!AtWord(w))
            throw Error($"expected '{w}', found {Cur}");
        _p++;
    }

    private DrillSyntaxException Error(string message) => new(message, Cur.Line, Cur.Column);

    private DrillScript Script()
    {
        var options = new List<ScriptOption>();
        while (At(TokenKind.Option))
            options.Add(Option());
        CommandAction? init = null;
        if (At(TokenKind.BackQuoted))
            init = new CommandAction(Take().Text);
        var events = new List<ScriptEvent>();
        CommandAction? cleanup = null;
        while (!At(TokenKind.End))
        {
            if (At(TokenKind.BackQuoted) && PeekAt(1).Kind == TokenKind.End)
            {
                cleanup = new CommandAction(Take().Text);
                break;
            }
            events.Add(Event());
        }
        if (events.Count == 0)
            throw Error("a script needs at least one event");
        return new DrillScript(options, init, events, cleanup);
    }

    private ScriptOption Option()
    {
        var name = Take();
        if (!At(TokenKind.Equals) || PeekAt(1).Line != name.Line)
            return new ScriptOption(name.Text[2..], null, name.Line, name.Column);
        _p++;
        var v = Cur;
        if (v.Kind is not (TokenKind.Integer or TokenKind.HexInteger or TokenKind.Word or TokenKind.String or TokenKind.Ipv4Address or TokenKind.Ipv6Address or TokenKind.Float))
            throw Error($"expected a value for {name.Text}, found {v}");
        _p++;
        string value = v.Text;
        // option_value: WORD '=' (WORD | STRING | BACK_QUOTED)
        if (v.Kind == TokenKind.Word && At(TokenKind.Equals))
        {
            _p++;
            value += "=" + Take().Text;
        }
        return new ScriptOption(name.Text[2..], value, name.Line, name.Column);
    }

    private ScriptEvent Event()
    {
        var start = Cur;
        var time = Time();
        ScriptAction action = Cur.Kind switch
        {
            TokenKind.Less or TokenKind.Greater => Packet(),
            TokenKind.BackQuoted => new CommandAction(Take().Text),
            TokenKind.Code => new CodeAction(Take().Text),
            TokenKind.Word or TokenKind.Ellipsis => Syscall(),
            _ => throw Error($"expected a packet, system call, `command` or %{{ code }}%, found {Cur}"),
        };
        return new ScriptEvent(time, action, start.Line, start.Column);
    }

    private EventTime Time()
    {
        if (At(TokenKind.Star))
        {
            _p++;
            return new EventTime(TimeKind.Any, 0, 0);
        }
        bool relative = At(TokenKind.Plus);
        if (relative)
            _p++;
        long start = TimeValue();
        if (!At(TokenKind.Tilde))
            return new EventTime(relative ? TimeKind.Relative : TimeKind.Absolute, start, start);
        _p++;
        if (relative)
            Expect(TokenKind.Plus, "'+' (a relative range is +t1~+t2)");
        else if (At(TokenKind.Plus))
            throw Error("an absolute range is t1~t2, without '+'");
        long end = TimeValue();
        if (end < start)
            throw Error("the end of a time range is before its start");
        return new EventTime(relative ? TimeKind.RelativeRange : TimeKind.AbsoluteRange, start, end);
    }

    private long TimeValue()
    {
        if (Cur.Kind is not (TokenKind.Integer or TokenKind.Float))
            throw Error($"expected a time, found {Cur}");
        string text = Take().Text;
        decimal seconds = decimal.Parse(text.StartsWith('.') ? "0" + text : text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return (long)Math.Round(seconds * 1_000_000m);
    }

    private long Integer(string what)
    {
        bool negative = false;
        if (At(TokenKind.Minus))
        {
            negative = true;
            _p++;
        }
        var tok = Cur;
        long v;
        if (tok.Kind == TokenKind.Integer)
            v = long.Parse(tok.Text, CultureInfo.InvariantCulture);
        else if (tok.Kind == TokenKind.HexInteger)
            v = long.Parse(tok.Text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        else
            throw Error($"expected {what}, found {tok}");
        _p++;
        return negative ? -v : v;
    }
}
