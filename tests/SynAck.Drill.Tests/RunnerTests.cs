using SynAck.Drill.Run;

namespace SynAck.Drill.Tests;

/// <summary>The interpreter against SynAck: verdicts, the line of the first mismatch, unsupported things named.</summary>
public sealed class RunnerTests
{
    private const string Server = """
        `sysctl -q net.ipv4.tcp_timestamps=0`
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
           +0 bind(3, ..., ...) = 0
           +0 listen(3, 1) = 0
           +0 < S 0:0(0) win 65535 <mss 1460>
           +0 > S. 0:0(0) ack 1 <mss 1460>
           +0 < . 1:1(0) ack 1 win 65535
           +0 accept(3, ..., ...) = 4

        """;

    private static DrillResult Run(string text) => DrillRunner.RunText(text, Path.Combine(AppContext.BaseDirectory, "inline.pkt"));

    [Fact]
    public void A_correct_script_passes() => Assert.Equal(DrillVerdict.Pass, Run(Server + "+0 write(4, ..., 10) = 10\n+0 > P. 1:11(10) ack 1\n").Verdict);

    [Fact]
    public void A_wrong_expectation_fails_at_its_line()
    {
        var r = Run(Server + "+0 write(4, ..., 10) = 10\n+0 > P. 1:11(10) ack 7\n");
        Assert.Equal(DrillVerdict.Fail, r.Verdict);
        Assert.Equal(10, r.Line);
        Assert.Contains("ack number", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_return_value_fails_at_its_line()
    {
        var r = Run(Server + "+0 write(4, ..., 10) = 9\n");
        Assert.Equal((DrillVerdict.Fail, 9), (r.Verdict, r.Line));
    }

    [Fact]
    public void A_packet_sent_too_late_is_a_timing_error()
    {
        // The retransmission leaves after the RTO (at least 200 ms); the script says after 100 ms.
        var r = Run(Server + "+0 write(4, ..., 10) = 10\n+0 > P. 1:11(10) ack 1\n+.1 > P. 1:11(10) ack 1\n");
        Assert.Equal((DrillVerdict.Fail, 11), (r.Verdict, r.Line));
        Assert.Contains("timing", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tolerance_is_taken_from_the_script()
        => Assert.Equal(DrillVerdict.Pass, Run("--tolerance_usecs=50000\n" + Server + "+0 < P. 1:11(10) ack 1 win 65535\n+0 > . 1:1(0) ack 11\n").Verdict);

    [Fact]
    public void A_missing_packet_fails()
    {
        var r = Run(Server + "+0 > P. 1:11(10) ack 1\n");
        Assert.Equal((DrillVerdict.Fail, 9), (r.Verdict, r.Line));
    }

    [Fact]
    public void An_unknown_syscall_is_unsupported()
    {
        var r = Run(Server + "+0 frobnicate(4) = 0\n");
        Assert.Equal((DrillVerdict.Unsupported, 9), (r.Verdict, r.Line));
        Assert.Contains("frobnicate", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_sysctl_is_unsupported()
    {
        var r = Run("`sysctl -q net.ipv4.tcp_frobnication=1`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n");
        Assert.Equal(DrillVerdict.Unsupported, r.Verdict);
        Assert.Contains("tcp_frobnication", r.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_shell_command_is_unsupported()
        => Assert.Equal(DrillVerdict.Unsupported, Run("`tc qdisc replace dev tun0 root fq`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n").Verdict);

    [Fact]
    public void A_tcp_info_field_synack_does_not_keep_is_unsupported()
    {
        var r = Run(Server + "+0 %{ assert tcpi_reord_seen == 0 }%\n");
        Assert.Equal((DrillVerdict.Unsupported, 9), (r.Verdict, r.Line));
    }

    [Fact]
    public void Python_assertions_pass_and_fail_on_tcp_info()
    {
        Assert.Equal(DrillVerdict.Pass, Run(Server + "+0 %{ cwnd = tcpi_snd_cwnd\nassert tcpi_snd_cwnd == cwnd and tcpi_state == TCP_ESTABLISHED, tcpi_snd_cwnd }%\n").Verdict);
        var r = Run(Server + "+0 %{ assert tcpi_snd_ssthresh == 7, tcpi_snd_ssthresh }%\n");
        Assert.Equal((DrillVerdict.Fail, 9), (r.Verdict, r.Line));
    }

    [Fact]
    public void Fast_open_is_unsupported()
        => Assert.Equal(DrillVerdict.Unsupported, Run(Server.Replace("<mss 1460>\n   ", "<mss 1460,FO>\n   ", StringComparison.Ordinal)).Verdict);

    [Fact]
    public void Ipv6_runs()
        => Assert.Equal(DrillVerdict.Pass, Run("--ip_version=ipv6\n" + Server.Replace("mss 1460", "mss 1440", StringComparison.Ordinal)).Verdict);

    [Fact]
    public void A_syntax_error_is_a_script_error_with_line_and_column()
    {
        var r = Run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n  +0 > Q 0:0(0)\n");
        Assert.Equal((DrillVerdict.ScriptError, 2, 8), (r.Verdict, r.Line, r.Column));
    }
}
