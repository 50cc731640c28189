using System.CommandLine;
using System.Text.RegularExpressions;

namespace SynAck.Cli.Commands;

/// <summary>What every command prints for bad input: the problem in one line, then what would have been valid; exit code 2.</summary>
internal static partial class Usage
{
    public const int BadInput = 2;

    public static int ReportParseErrors(ParseResult result, TextWriter error)
    {
        var command = result.CommandResult.Command;
        var messages = result.Errors.Select(e => Friendly(e.Message)).ToList();
        // A mistyped command name also leaves the root without its command; the second error says nothing new.
        if (messages.Any(m => m.StartsWith("unknown command or switch", StringComparison.Ordinal)))
            messages.RemoveAll(m => m.StartsWith("Required command was not provided", StringComparison.Ordinal));
        foreach (var m in messages)
            error.WriteLine("error: " + m);

        foreach (var token in result.UnmatchedTokens)
        {
            var candidates = token.StartsWith('-')
                ? command.Options.Where(o => !o.Hidden).SelectMany(o => o.Aliases.Prepend(o.Name))
                : command.Subcommands.Select(c => c.Name);
            if (Suggest(token, candidates) is { } near)
                error.WriteLine($"did you mean '{near}'?");
        }
        if (command.Subcommands.Count > 0)
            error.WriteLine("valid commands: " + string.Join(", ", command.Subcommands.Select(c => c.Name)));
        if (command.Options.Count > 0)
            error.WriteLine("valid switches: " + string.Join(" ", command.Options.Where(o => !o.Hidden).Select(o => o.Name)));
        return BadInput;
    }

    /// <summary>A one-line error and exit code 2.</summary>
    public static int Fail(TextWriter error, string message)
    {
        error.WriteLine("error: " + message);
        return BadInput;
    }

    /// <summary>
    /// Null when <paramref name="path"/> can be created or overwritten as a file; otherwise why not, in words
    /// (a directory, or a folder that does not exist), rather than the runtime's "access denied".
    /// </summary>
    public static string? WhyNotWritable(string path)
    {
        if (Directory.Exists(path))
            return $"'{path}' is a directory; give a file name";
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
            return $"the folder '{folder}' does not exist";
        return null;
    }

    /// <summary>The closest candidate within two edits (or one that starts with the token), if any.</summary>
    internal static string? Suggest(string token, IEnumerable<string> candidates)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var c in candidates.Distinct())
        {
            int d = c.StartsWith(token, StringComparison.OrdinalIgnoreCase) && token.TrimStart('-').Length >= 2 ? 1 : Distance(token, c);
            if (d < bestDistance)
                (best, bestDistance) = (c, d);
        }
        return bestDistance <= 2 ? best : null;
    }

    /// <summary>Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of neighbours.</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    /// <summary>System.CommandLine's messages with the .NET type names a user never wrote replaced by what was expected.</summary>
    internal static string Friendly(string message)
    {
        var parse = CannotParse().Match(message);
        if (parse.Success)
            return $"{parse.Groups["symbol"].Value}: '{parse.Groups["value"].Value}' is not {Expected(parse.Groups["type"].Value)}";
        var unknown = Unrecognized().Match(message);
        if (unknown.Success)
            return $"unknown command or switch '{unknown.Groups["token"].Value}'";
        return message;
    }

    private static string Expected(string type) => type switch
    {
        "System.Double" or "System.Single" or "System.Decimal" => "a number",
        "System.Byte" or "System.UInt16" or "System.UInt32" or "System.UInt64" => "a whole number of 0 or more",
        "System.Int16" or "System.Int32" or "System.Int64" => "a whole number",
        "System.Boolean" => "true or false",
        _ when type.StartsWith("System.Nullable`1[", StringComparison.Ordinal) => Expected(type["System.Nullable`1[".Length..^1]),
        _ => "a valid value",
    };

    [GeneratedRegex(@"^Cannot parse argument '(?<value>.*)' for (?:option|argument) '(?<symbol>[^']*)' as expected type '(?<type>[^']*)'\.?$")]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"^Unrecognized command or argument '(?<token>.*)'\.?$")]
    private static partial Regex Unrecognized();
}
