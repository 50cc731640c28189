using System.Text;

namespace SynAck.Drill.Syntax;

/// <summary>
/// Splits a packetdrill script into tokens (after packetdrill's lexer.l): C and C++ comments, numbers (decimal,
/// hex, fractions such as <c>.1</c>), words, strings, back-quoted shell commands, <c>%{ … }%</c> Python code,
/// <c>--options</c>, IPv4 and IPv6 addresses, and punctuation. Newlines are white space: the grammar alone
/// decides where an event ends.
/// </summary>
internal sealed class Lexer
{
    private readonly string _s;
    private int _i;
    private int _line = 1;
    private int _lineStart;

    public Lexer(string source) => _s = source;

    public static List<Token> Tokenize(string source)
    {
        var lexer = new Lexer(source);
        var tokens = new List<Token>();
        Token t;
        do
        {
            t = lexer.Next();
            tokens.Add(t);
        }
        while (t.Kind != TokenKind.End);
        return tokens;
    }

    private char Peek(int k = 0) => _i + k < _s.Length ? _s[_i + k] : '\0';

    private int Column => _i - _lineStart + 1;

    private void Advance()
    {
        if (_s[_i] == '\n')
        {
            _line++;
            _lineStart = _i + 1;
        }
        _i++;
    }

    private DrillSyntaxException Error(string message, int line, int column) => new(message, line, column);

    public Token Next()
    {
        SkipSpaceAndComments();
        int line = _line, col = Column, start = _i;
        if (_i >= _s.Length)
            return new Token(TokenKind.End, "", line, col);
        char c = Peek();
        Token Make(TokenKind k) => new(k, _s[start.._i], line, col);

        if (c == '`')
            return Delimited("`", TokenKind.BackQuoted, line, col);
        if (c == '%' && Peek(1) == '{')
            return Delimited("}%", TokenKind.Code, line, col);
        if (c == '"')
            return QuotedString(line, col);
        if (c == '-' && Peek(1) == '-' && (char.IsLetter(Peek(2)) || Peek(2) == '_'))
        {
            _i += 2;
            while (char.IsLetterOrDigit(Peek()) || Peek() == '_')
                _i++;
            return Make(TokenKind.Option);
        }
        if (TryIpv6(out int v6End))
        {
            while (_i < v6End)
                Advance();
            return Make(TokenKind.Ipv6Address);
        }
        if (char.IsDigit(c) || (c == '.' && char.IsDigit(Peek(1))))
            return Number(line, col);
        if (char.IsLetter(c) || c == '_')
        {
            while (char.IsLetterOrDigit(Peek()) || Peek() == '_')
                _i++;
            return Make(TokenKind.Word);
        }
        if (c == '.' && Peek(1) == '.' && Peek(2) == '.')
        {
            _i += 3;
            return Make(TokenKind.Ellipsis);
        }
        TokenKind kind = c switch
        {
            '+' => TokenKind.Plus,
            '-' => TokenKind.Minus,
            '*' => TokenKind.Star,
            '~' => TokenKind.Tilde,
            '<' => TokenKind.Less,
            '>' => TokenKind.Greater,
            '(' => TokenKind.LParen,
            ')' => TokenKind.RParen,
            '[' => TokenKind.LBracket,
            ']' => TokenKind.RBracket,
            '{' => TokenKind.LBrace,
            '}' => TokenKind.RBrace,
            ',' => TokenKind.Comma,
            ':' => TokenKind.Colon,
            '=' => TokenKind.Equals,
            '|' => TokenKind.Pipe,
            '.' => TokenKind.Dot,
            _ => throw Error($"unexpected character '{c}'", line, col),
        };
        _i++;
        return Make(kind);
    }

    private void SkipSpaceAndComments()
    {
        while (_i < _s.Length)
        {
            char c = Peek();
            if (char.IsWhiteSpace(c))
                Advance();
            else if (c == '/' && Peek(1) == '/')
            {
                while (_i < _s.Length && Peek() != '\n')
                    _i++;
            }
            else if (c == '/' && Peek(1) == '*')
            {
                int line = _line, col = Column;
                _i += 2;
                while (_i < _s.Length && !(Peek() == '*' && Peek(1) == '/'))
                    Advance();
                if (_i >= _s.Length)
                    throw Error("unterminated comment", line, col);
                _i += 2;
            }
            else
                break;
        }
    }

    private Token Delimited(string close, TokenKind kind, int line, int col)
    {
        _i += kind == TokenKind.Code ? 2 : 1;
        int bodyStart = _i;
        while (_i < _s.Length && string.CompareOrdinal(_s, _i, close, 0, close.Length) != 0)
            Advance();
        if (_i >= _s.Length)
            throw Error(kind == TokenKind.Code ? "unterminated %{ code }%" : "unterminated `command`", line, col);
        string body = _s[bodyStart.._i];
        _i += close.Length;
        return new Token(kind, body, line, col);
    }

    private Token QuotedString(int line, int col)
    {
        var sb = new StringBuilder();
        _i++;
        while (true)
        {
            if (_i >= _s.Length || Peek() == '\n')
                throw Error("unterminated string", line, col);
            char c = Peek();
            _i++;
            if (c == '"')
                break;
            if (c == '\\' && _i < _s.Length)
            {
                char e = Peek();
                _i++;
                sb.Append(e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', _ => e });
                continue;
            }
            sb.Append(c);
        }
        return new Token(TokenKind.String, sb.ToString(), line, col);
    }

    private Token Number(int line, int col)
    {
        int start = _i;
        if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X') && Uri.IsHexDigit(Peek(2)))
        {
            _i += 2;
            while (Uri.IsHexDigit(Peek()))
                _i++;
            return new Token(TokenKind.HexInteger, _s[start.._i], line, col);
        }
        // A dotted quad is an IPv4 address; one dot is a fraction; "..." after digits is an ellipsis, not a fraction.
        int j = _i, dots = 0;
        while (j < _s.Length && (char.IsDigit(_s[j]) || (_s[j] == '.' && j + 1 < _s.Length && char.IsDigit(_s[j + 1]))))
        {
            if (_s[j] == '.')
                dots++;
            j++;
        }
        if (dots == 3)
        {
            _i = j;
            return new Token(TokenKind.Ipv4Address, _s[start.._i], line, col);
        }
        while (char.IsDigit(Peek()))
            _i++;
        if (Peek() == '.' && char.IsDigit(Peek(1)))
        {
            _i++;
            while (char.IsDigit(Peek()))
                _i++;
            return new Token(TokenKind.Float, _s[start.._i], line, col);
        }
        if (char.IsLetter(Peek()) || Peek() == '_')
        {
            // A hex blob such as a Fast Open cookie (7b1b35bc…) is a word that starts with a digit.
            while (char.IsLetterOrDigit(Peek()) || Peek() == '_')
                _i++;
            return new Token(TokenKind.Word, _s[start.._i], line, col);
        }
        return new Token(TokenKind.Integer, _s[start.._i], line, col);
    }

    /// <summary>An IPv6 address: a run of hex digits, colons (at least two) and dots, not followed by a word character.</summary>
    private bool TryIpv6(out int end)
    {
        end = _i;
        int j = _i, colons = 0;
        while (j < _s.Length && (Uri.IsHexDigit(_s[j]) || _s[j] == ':' || (_s[j] == '.' && colons > 0 && j + 1 < _s.Length && char.IsDigit(_s[j + 1]))))
        {
            if (_s[j] == ':')
                colons++;
            j++;
        }
        if (colons < 2 || (j < _s.Length && (char.IsLetterOrDigit(_s[j]) || _s[j] == '_')))
            return false;
        if (!System.Net.IPAddress.TryParse(_s[_i..j], out var a) || a.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            return false;
        end = j;
        return true;
    }
}
