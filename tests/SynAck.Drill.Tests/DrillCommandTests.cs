using SynAck.Cli;

namespace SynAck.Drill.Tests;

/// <summary><c>synack drill</c>: exit codes and the one-line error for a bad script.</summary>
public sealed class DrillCommandTests
{
    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    private static string Temp(string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"drill-{Guid.NewGuid():N}.pkt");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Own_scripts_pass_with_exit_0()
    {
        var (code, output, _) = Cli("drill", Path.Combine(AppContext.BaseDirectory, "scripts"));
        Assert.Equal(0, code);
        Assert.Contains("pass", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_script_exits_2_with_one_line_naming_line_and_column()
    {
        string path = Temp("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n  +0 > Q 0:0(0)\n");
        var (code, _, err) = Cli("drill", path);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains(":2:8:", err, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_script_exits_1_and_json_names_the_line()
    {
        string path = Temp("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 1\n");
        var (code, output, _) = Cli("drill", path, "--json");
        Assert.Equal(1, code);
        Assert.Contains("\"line\": 2", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_target_exits_2()
    {
        var (code, _, err) = Cli("drill", Path.Combine(AppContext.BaseDirectory, "scripts"), "--target", "freebsd");
        Assert.Equal(2, code);
        Assert.Contains("freebsd", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Kernel_target_is_refused_clearly_without_root()
    {
        // As root (CI) the process could use the kernel: the check is made to answer as it would for a user.
        var canUseKernel = SynAck.Cli.Commands.DrillCommand.CanUseKernel;
        SynAck.Cli.Commands.DrillCommand.CanUseKernel = () => false;
        try
        {
            var (code, _, err) = Cli("drill", Path.Combine(AppContext.BaseDirectory, "scripts"), "--target", "kernel");
            Assert.Equal(2, code);
            Assert.Contains("needs root", err, StringComparison.Ordinal);
        }
        finally
        {
            SynAck.Cli.Commands.DrillCommand.CanUseKernel = canUseKernel;
        }
    }
}
