using SynAck.Cli;
using SynAck.Cli.Commands;

namespace SynAck.Drill.Tests;

/// <summary><c>synack drill --ladder</c> and <c>--target both</c>: the run drawn, the script's packets marked, the first difference named.</summary>
public sealed class DrillLadderTests
{
    private static readonly string Own = Path.Combine(AppContext.BaseDirectory, "scripts");

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Program.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void The_ladder_marks_each_packet_with_its_script_line()
    {
        var (code, output, _) = Cli("drill", Path.Combine(Own, "handshake-passive.pkt"), "--ladder", "--ascii");
        Assert.Equal(0, code);
        var script = File.ReadAllLines(Path.Combine(Own, "handshake-passive.pkt"));
        int synLine = Array.FindIndex(script, l => l.Contains("< S ", StringComparison.Ordinal)) + 1;
        int synAckLine = Array.FindIndex(script, l => l.Contains("> S.", StringComparison.Ordinal)) + 1;
        Assert.Contains($"SYN seq=0 win=65535 L{synLine} ", output, StringComparison.Ordinal);
        Assert.Contains($"L{synAckLine}", output, StringComparison.Ordinal);
        Assert.Contains("<---- SYN,ACK seq=0 ack=1", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_run_notes_its_line_on_the_ladder()
    {
        string path = Path.Combine(Path.GetTempPath(), $"drill-ladder-{Guid.NewGuid():N}.pkt");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(Own, "rst-to-closed-port.pkt")).Replace("> R 5000:5000(0)", "> R 5001:5001(0)", StringComparison.Ordinal));
        var (code, output, _) = Cli("drill", path, "--ladder", "--ascii");
        Assert.Equal(1, code);
        Assert.Contains("(line 7: sequence number", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Ladder_needs_one_script()
        => Assert.Equal(2, Cli("drill", Own, "--ladder").Code);

    [Fact]
    public void Both_targets_need_root()
    {
        var saved = DrillCommand.CanUseKernel;
        DrillCommand.CanUseKernel = () => false;
        try
        {
            var (code, _, err) = Cli("drill", Path.Combine(Own, "handshake-passive.pkt"), "--target", "both");
            Assert.Equal(2, code);
            Assert.Contains("needs root", err, StringComparison.Ordinal);
        }
        finally
        {
            DrillCommand.CanUseKernel = saved;
        }
    }

    [Fact]
    public void Both_targets_draw_two_ladders_and_name_the_first_difference()
    {
        Requirement.Root();
        var (_, output, _) = Cli("drill", Path.Combine(Own, "handshake-passive.pkt"), "--target", "both", "--ladder", "--ascii", "--tolerance_usecs", "14000");
        Assert.Contains("on SynAck:", output, StringComparison.Ordinal);
        Assert.Contains("on Linux:", output, StringComparison.Ordinal);
        Assert.Contains(" | ", output, StringComparison.Ordinal);
        Assert.Contains("synack  pass", output, StringComparison.Ordinal);
        Assert.Contains("kernel  pass", output, StringComparison.Ordinal);
    }

    [Fact]
    public void First_difference_is_the_earlier_failing_line()
    {
        var pass = new SynAck.Drill.Run.DrillResult("s.pkt", SynAck.Drill.Run.DrillVerdict.Pass, 0, 0, "", null, null, null);
        var fail = new SynAck.Drill.Run.DrillResult("s.pkt", SynAck.Drill.Run.DrillVerdict.Fail, 12, 0, "x", null, null, 0.1);
        Assert.Equal(12, DrillLadder.FirstDifference(pass, fail));
        Assert.Null(DrillLadder.FirstDifference(pass, pass));
        Assert.Null(DrillLadder.FirstDifference(fail, fail));
    }
}
