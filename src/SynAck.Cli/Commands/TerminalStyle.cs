using Spectre.Console;

namespace SynAck.Cli.Commands;

/// <summary>
/// Colour for the demo's output, only where it can show: the real console, not redirected, a terminal Spectre.Console
/// finds ANSI-capable, and no NO_COLOR in the environment. Everything else gets plain text.
/// </summary>
internal sealed class TerminalStyle
{
    private TerminalStyle(bool enabled) => Enabled = enabled;

    public static TerminalStyle Plain { get; } = new(false);

    public bool Enabled { get; }

    public static TerminalStyle For(TextWriter output)
    {
        if (!ReferenceEquals(output, Console.Out) || Console.IsOutputRedirected)
            return Plain;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")))
            return Plain;
        var profile = AnsiConsole.Profile;
        return new TerminalStyle(profile.Capabilities.Ansi && profile.Capabilities.ColorSystem != ColorSystem.NoColors);
    }

    public string Bold(string s) => Wrap(s, "1");

    public string Green(string s) => Wrap(s, "32");

    public string Red(string s) => Wrap(s, "31");

    public string Dim(string s) => Wrap(s, "2");

    private string Wrap(string s, string code) => Enabled ? "\u001b[" + code + "m" + s + "\u001b[0m" : s;
}
