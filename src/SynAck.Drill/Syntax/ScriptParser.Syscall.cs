namespace SynAck.Drill.Syntax;

internal sealed partial class ScriptParser
{
    private SyscallAction Syscall()
    {
        long? end = null;
        if (At(TokenKind.Ellipsis))
        {
            _p++;
            end = TimeValue();
        }
        var name = Expect(TokenKind.Word, "a system call name");
        Expect(TokenKind.LParen, $"'(' after {name.Text}");
        var args = new List<Expr>();
        if (!At(TokenKind.RParen))
            args = ExpressionList(TokenKind.RParen);
        Expect(TokenKind.RParen, $"')' closing the arguments of {name.Text}");
        Expect(TokenKind.Equals, $"'=' and the expected result of {name.Text}");
        var result = Expression();
        string? errno = null, note = null;
        if (At(TokenKind.Word) && Cur.Line == _t[_p - 1].Line)
        {
            errno = Take().Text;
            if (!At(TokenKind.LParen))
                throw Error($"expected '(' and a note after {errno}");
        }
        if (At(TokenKind.LParen) && Cur.Line == _t[_p - 1].Line)
            note = Note();
        return new SyscallAction(name.Text, args, result, errno, note, end);
    }

    private string Note()
    {
        var open = Take();
        var words = new List<string>();
        int depth = 1;
        while (true)
        {
            if (At(TokenKind.End))
                throw new DrillSyntaxException("unclosed note", open.Line, open.Column);
            if (At(TokenKind.LParen))
                depth++;
            if (At(TokenKind.RParen) && --depth == 0)
                break;
            words.Add(Take().Text);
        }
        _p++;
        return string.Join(' ', words);
    }

    private List<Expr> ExpressionList(TokenKind close)
    {
        var list = new List<Expr> { Expression() };
        while (At(TokenKind.Comma))
        {
            _p++;
            list.Add(Expression());
        }
        if (!At(close))
            throw Error($"expected ',' or '{(close == TokenKind.RParen ? ")" : close == TokenKind.RBracket ? "]" : "}")}', found {Cur}");
        return list;
    }

    private Expr Expression()
    {
        var e = Primary();
        while (At(TokenKind.Pipe))
        {
            _p++;
            e = new OrExpr(e, Primary());
        }
        return e;
    }

    private Expr Primary()
    {
        var tok = Cur;
        switch (tok.Kind)
        {
            case TokenKind.Ellipsis:
                _p++;
                return new EllipsisExpr();
            case TokenKind.Integer or TokenKind.HexInteger or TokenKind.Minus:
                return new IntExpr(Integer("a number"));
            case TokenKind.String:
                _p++;
                bool prefix = At(TokenKind.Ellipsis);
                if (prefix)
                    _p++;
                return new StringExpr(tok.Text, prefix);
            case TokenKind.LBracket:
                _p++;
                var items = At(TokenKind.RBracket) ? [] : ExpressionList(TokenKind.RBracket);
                _p++;
                return new ArrayExpr(items);
            case TokenKind.LBrace:
                _p++;
                var fields = At(TokenKind.RBrace) ? [] : ExpressionList(TokenKind.RBrace);
                _p++;
                return new StructExpr(fields);
            case TokenKind.Word:
                _p++;
                Expr e = new WordExpr(tok.Text);
                if (At(TokenKind.LParen))
                {
                    _p++;
                    var args = At(TokenKind.RParen) ? [] : ExpressionList(TokenKind.RParen);
                    _p++;
                    e = new CallExpr(tok.Text, args);
                }
                if (At(TokenKind.Equals))
                {
                    _p++;
                    e = new AssignExpr(e, Expression());
                }
                return e;
            default:
                throw Error($"expected an expression, found {tok}");
        }
    }
}
