using System.Text.RegularExpressions;

namespace SynAck.Drill.Run;

/// <summary>
/// The shell lines of a script's back-quoted commands, as far as they configure TCP: <c>sysctl</c>, packetdrill's
/// <c>set_sysctls.py</c>, and the defaults file they source. Lines with no meaning for a userspace stack
/// (flushing the kernel's TCP metrics cache, a FIFO qdisc on the tun device) are accepted; anything else is
/// unsupported.
/// </summary>
internal static partial class ShellCommands
{
    [GeneratedRegex(@"\$\(\(([0-9*+ ]+)\)\)")]
    private static partial Regex Arithmetic();

    [GeneratedRegex(@"\s*(>\s*/dev/null|2>&1|2>\s*/dev/null)\s*")]
    private static partial Regex Redirect();

    /// <summary>Applies a command's lines to <paramref name="settings"/>; <paramref name="scriptDir"/> resolves sourced files.</summary>
    public static void Apply(string command, string scriptDir, SysctlSettings settings, int line, int depth = 0)
    {
        string text = command.Replace("\\\n", " ", StringComparison.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            foreach (var part in raw.Split(';'))
                ApplyLine(part, scriptDir, settings, line, depth);
        }
    }

    private static void ApplyLine(string raw, string scriptDir, SysctlSettings settings, int line, int depth)
    {
        string s = Redirect().Replace(raw, " ").Trim();
        if (s.Length == 0 || s.StartsWith('#'))
            return;
        s = Arithmetic().Replace(s, m => Evaluate(m.Groups[1].Value).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var words = Words(s);
        string cmd = words[0];
        if (cmd.EndsWith("defaults.sh", StringComparison.Ordinal))
        {
            string path = Path.GetFullPath(Path.Combine(scriptDir, cmd));
            if (depth > 2 || !File.Exists(path))
                throw new DrillUnsupported(line, $"command {s} (file not found)");
            Apply(File.ReadAllText(path), Path.GetDirectoryName(path)!, settings, line, depth + 1);
            return;
        }
        if (cmd == "sysctl")
        {
            foreach (var w in words.Skip(1))
            {
                if (w.StartsWith('-'))
                    continue;
                int eq = w.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0)
                    throw new DrillUnsupported(line, $"command {s}");
                settings.Set(w[..eq], w[(eq + 1)..], line);
            }
            return;
        }
        if (cmd.EndsWith("set_sysctls.py", StringComparison.Ordinal))
        {
            foreach (var w in words.Skip(1))
            {
                int eq = w.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0 || !w.StartsWith("/proc/sys/", StringComparison.Ordinal))
                    throw new DrillUnsupported(line, $"command {s}");
                settings.Set(w["/proc/sys/".Length..eq], w[(eq + 1)..], line);
            }
            return;
        }
        // set_sysctls.py writes a script that restores the old values; SynAck's settings die with the run.
        if (cmd.StartsWith("/tmp/sysctl_restore_", StringComparison.Ordinal))
            return;
        if (s.StartsWith("ip tcp_metrics flush", StringComparison.Ordinal))
            return;
        if (Regex.IsMatch(s, @"^tc qdisc (add|replace) dev tun0 root pfifo$"))
            return;
        // The script wants MSS-sized segments from the kernel; SynAck never sends larger ones.
        if (Regex.IsMatch(s, @"^ethtool -K tun0( (tso|gso|gro) off)+$"))
            return;
        // Linux's HyStart: bit 1 ACK trains, bit 2 delay increase. SynAck's CUBIC leaves slow start on a delay increase
        // (HyStart++, RFC 9406 §4.2), which stands for the delay bit; ACK-train detection alone it does not have.
        var hystart = Regex.Match(s, @"^echo ([0-3]) > /sys/module/tcp_cubic/parameters/hystart_detect$");
        if (hystart.Success && (int.Parse(hystart.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) & 2) != 0)
        {
            settings.Notes.Add($"hystart_detect={hystart.Groups[1].Value}: SynAck's HyStart++ (RFC 9406) detects the delay increase; it has no ACK-train detection");
            return;
        }
        throw new DrillUnsupported(line, $"command {s}");
    }

    private static List<string> Words(string s)
    {
        var words = new List<string>();
        var cur = new System.Text.StringBuilder();
        char quote = '\0';
        foreach (char c in s)
        {
            if (quote != '\0')
            {
                if (c == quote)
                    quote = '\0';
                else
                    cur.Append(c);
            }
            else if (c is '"' or '\'')
                quote = c;
            else if (char.IsWhiteSpace(c))
            {
                if (cur.Length > 0)
                    words.Add(cur.ToString());
                cur.Clear();
            }
            else
                cur.Append(c);
        }
        if (cur.Length > 0)
            words.Add(cur.ToString());
        return words;
    }

    private static long Evaluate(string expr)
    {
        long sum = 0;
        foreach (var term in expr.Split('+'))
        {
            long product = 1;
            foreach (var f in term.Split('*'))
                product *= long.Parse(f.Trim(), System.Globalization.CultureInfo.InvariantCulture);
            sum += product;
        }
        return sum;
    }
}
