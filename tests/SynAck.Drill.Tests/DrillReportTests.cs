using SynAck.Cli.Commands;

namespace SynAck.Drill.Tests;

/// <summary>The conformance report's agreement figure: same verdict, and for a failure the same first failing line.</summary>
public sealed class DrillReportTests
{
    [Fact]
    public void Agreement_needs_the_same_first_failing_line()
    {
        var pd = (false, "a.pkt:25: error handling packet: live packet payload: expected 1000 bytes vs actual 2000 bytes");
        Assert.True(DrillReport.Agrees(pd, (false, "a.pkt:25: payload: expected 1000 bytes, actual 2000 bytes")));
        Assert.False(DrillReport.Agrees(pd, (false, "a.pkt:29: TCP flags: expected ., actual P.")));
        Assert.False(DrillReport.Agrees(pd, (true, "")));
        Assert.True(DrillReport.Agrees((true, ""), (true, "a.pkt (after one retry for a timing failure)")));
        // packetdrill died without naming a line (a setup error): the verdict alone is compared.
        Assert.True(DrillReport.Agrees((false, ""), (false, "a.pkt:21: command failed")));
    }

    [Fact]
    public void Failing_line_is_read_from_either_runner()
    {
        Assert.Equal(27, DrillReport.FailingLine("cubic-rack-reo.pkt:27: error in Python code"));
        Assert.Null(DrillReport.FailingLine("fail"));
    }
}
