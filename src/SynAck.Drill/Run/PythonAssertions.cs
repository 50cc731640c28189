using System.Globalization;
using System.Text.RegularExpressions;

namespace SynAck.Drill.Run;

/// <summary>
/// The small part of Python that packetdrill scripts use in <c>%{ … }%</c> blocks: <c>assert expr[, message]</c>,
/// <c>print(…)</c> (ignored), <c>name = expr</c>, <c>name += expr</c>, <c>-=</c>; expressions with numbers,
/// names (<c>tcpi_*</c> from the snapshot, constants, variables kept across blocks), + - * / %, comparisons,
/// <c>and</c>/<c>or</c>/<c>not</c> and parentheses. Anything else is unsupported.
/// </summary>
internal sealed partial class PythonAssertions
{
    private static readonly Dictionary<string, double> Constants = new()
    {
        ["TCP_INFINITE_SSTHRESH"] = 0x7fffffff, ["True"] = 1, ["False"] = 0,
        ["TCP_ESTABLISHED"] = 1, ["TCP_SYN_SENT"] = 2, ["TCP_SYN_RECV"] = 3, ["TCP_FIN_WAIT1"] = 4, ["TCP_FIN_WAIT2"] = 5,
        ["TCP_TIME_WAIT"] = 6, ["TCP_CLOSE"] = 7, ["TCP_CLOSE_WAIT"] = 8, ["TCP_LAST_ACK"] = 9, ["TCP_LISTEN"] = 10, ["TCP_CLOSING"] = 11,
        ["TCP_CA_Open"] = 0, ["TCP_CA_Disorder"] = 1, ["TCP_CA_CWR"] = 2, ["TCP_CA_Recovery"] = 3, ["TCP_CA_Loss"] = 4,
    };

    private readonly Dictionary<string, double> _vars = [];
    private Dictionary<string, double> _info = [];
    private List<string> _tok = [];
    private int _p;
    private int _line;

    [GeneratedRegex(@"\s*(0x[0-9a-fA-F]+|\d+\.?\d*|[A-Za-z_][A-Za-z0-9_]*|'[^']*'|""[^""]*""|==|!=|<=|>=|\+=|-=|[-+*/%<>()=,])")]
    private static partial Regex TokenRx();

    /// <summary>Runs a block against a snapshot; a false assertion throws <see cref="DrillFailure"/>.</summary>
    public void Run(string code, Dictionary<string, double> info, int line)
    {
        _info = info;
        _line = line;
        foreach (var raw in code.Replace("\\\n", " ", StringComparison.Ordinal).Split(['\n', ';']))
        {
            string stmt = StripComment(raw).Trim();
            if (stmt.Length == 0 || stmt.StartsWith('#'))
                continue;
            Statement(stmt);
        }
    }

    /// <summary>The text before a <c>#</c> comment that is not inside a string.</summary>
    private static string StripComment(string line)
    {
        char quote = '\0';
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
            }
            else if (c is '\'' or '"')
                quote = c;
            else if (c == '#')
                return line[..i];
        }
        return line;
    }

    private void Statement(string stmt)
    {
        _tok = [];
        int i = 0;
        while (i < stmt.Length)
        {
            var m = TokenRx().Match(stmt, i);
            if (!m.Success || m.Index != i)
            {
                if (char.IsWhiteSpace(stmt[i]))
                {
                    i++;
                    continue;
                }
                throw new DrillUnsupported(_line, $"Python statement '{stmt}'");
            }
            _tok.Add(m.Groups[1].Value);
            i = m.Index + m.Length;
        }
        _p = 0;
        if (_tok.Count == 0)
            return;
        if (_tok[0] == "print")
            return;
        if (_tok[0] == "assert")
        {
            _p = 1;
            double v = Or();
            if (_p < _tok.Count && _tok[_p] != ",")
                throw new DrillUnsupported(_line, $"Python statement '{stmt}'");
            if (v == 0)
                throw new DrillFailure(_line, $"assertion failed: {stmt["assert".Length..].Split(',')[0].Trim()} ({Values(stmt)})", stmt, Values(stmt));
            return;
        }
        if (_tok.Count >= 3 && IsName(_tok[0]) && _tok[1] is "=" or "+=" or "-=")
        {
            _p = 2;
            double v = Or();
            End(stmt);
            string name = _tok[0];
            _vars[name] = _tok[1] switch
            {
                "+=" => Lookup(name) + v,
                "-=" => Lookup(name) - v,
                _ => v,
            };
            return;
        }
        throw new DrillUnsupported(_line, $"Python statement '{stmt}'");
    }

    private string Values(string stmt)
        => string.Join(", ", _tok.Where(t => t.StartsWith("tcpi_", StringComparison.Ordinal) || _vars.ContainsKey(t)).Distinct()
            .Select(t => $"{t}={Lookup(t).ToString(CultureInfo.InvariantCulture)}"));

    private void End(string stmt)
    {
        if (_p != _tok.Count)
            throw new DrillUnsupported(_line, $"Python statement '{stmt}'");
    }

    private static bool IsName(string t) => char.IsLetter(t[0]) || t[0] == '_';

    private string? Peek => _p < _tok.Count ? _tok[_p] : null;

    private double Or()
    {
        double v = And();
        while (Peek == "or")
        {
            _p++;
            double r = And();
            v = v != 0 || r != 0 ? 1 : 0;
        }
        return v;
    }

    private double And()
    {
        double v = Not();
        while (Peek == "and")
        {
            _p++;
            double r = Not();
            v = v != 0 && r != 0 ? 1 : 0;
        }
        return v;
    }

    private double Not()
    {
        if (Peek != "not")
            return Comparison();
        _p++;
        return Not() == 0 ? 1 : 0;
    }

    private double Comparison()
    {
        double v = Sum();
        while (Peek is "==" or "!=" or "<" or "<=" or ">" or ">=")
        {
            string op = _tok[_p++];
            double r = Sum();
            bool ok = op switch { "==" => v == r, "!=" => v != r, "<" => v < r, "<=" => v <= r, ">" => v > r, _ => v >= r };
            v = ok ? 1 : 0;
        }
        return v;
    }

    private double Sum()
    {
        double v = Product();
        while (Peek is "+" or "-")
        {
            string op = _tok[_p++];
            double r = Product();
            v = op == "+" ? v + r : v - r;
        }
        return v;
    }

    private double Product()
    {
        double v = Unary();
        while (Peek is "*" or "/" or "%")
        {
            string op = _tok[_p++];
            double r = Unary();
            v = op switch { "*" => v * r, "/" => v / r, _ => v % r };
        }
        return v;
    }

    private double Unary()
    {
        if (Peek == "-")
        {
            _p++;
            return -Unary();
        }
        if (Peek == "(")
        {
            _p++;
            double v = Or();
            if (Peek != ")")
                throw new DrillUnsupported(_line, "Python expression with unbalanced parentheses");
            _p++;
            return v;
        }
        string t = Peek ?? throw new DrillUnsupported(_line, "incomplete Python expression");
        _p++;
        if (t.StartsWith("0x", StringComparison.Ordinal))
            return long.Parse(t.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (char.IsDigit(t[0]))
            return double.Parse(t, CultureInfo.InvariantCulture);
        if (IsName(t))
            return Lookup(t);
        throw new DrillUnsupported(_line, $"Python token '{t}'");
    }

    private double Lookup(string name)
    {
        if (_vars.TryGetValue(name, out double v) || Constants.TryGetValue(name, out v))
            return v;
        if (name.StartsWith("tcpi_", StringComparison.Ordinal))
            return _info.TryGetValue(name, out v) ? v : throw new DrillUnsupported(_line, $"TCP info field {name} (SynAck does not keep it)");
        throw new DrillUnsupported(_line, $"Python name {name}");
    }
}
