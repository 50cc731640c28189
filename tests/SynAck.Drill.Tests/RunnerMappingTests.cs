using SynAck.Drill.Run;

namespace SynAck.Drill.Tests;

/// <summary>The socket options, ioctls, sysctls and TCP info fields the runner maps onto SynAck, and packetdrill's order of verdicts.</summary>
public sealed class RunnerMappingTests
{
    private const string Server = """
        `sysctl -q net.ipv4.tcp_timestamps=0`
            0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
           +0 bind(3, ..., ...) = 0
           +0 listen(3, 1) = 0
           +0 < S 0:0(0) win 65535 <mss 1000>
           +0 > S. 0:0(0) ack 1 <mss 1460>
           +0 < . 1:1(0) ack 1 win 65535
           +0 accept(3, ..., ...) = 4

        """;

    private static DrillResult Run(string text) => DrillRunner.RunText(text, Path.Combine(AppContext.BaseDirectory, "inline.pkt"));

    [Fact]
    public void Sendmsg_writes_the_sum_of_its_iovecs()
    {
        var r = Run(Server + "+0 setsockopt(4, SOL_TCP, TCP_NODELAY, [1], 4) = 0\n"
            + "+0 sendmsg(4, {msg_name(...)=..., msg_iov(3)=[{..., 0}, {..., 40}, {..., 20}], msg_flags=0}, 0) = 60\n+0 > P. 1:61(60) ack 1\n");
        Assert.Equal(DrillVerdict.Pass, r.Verdict);
    }

    [Fact]
    public void Msg_more_is_a_send_without_push_whose_short_tail_waits_for_the_next_write()
    {
        const string more = "+0 setsockopt(4, SOL_TCP, TCP_NODELAY, [1], 4) = 0\n"
            + "+0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 40}], msg_flags=0}, MSG_MORE) = 40\n"
            + "+.01 send(4, ..., 20, 0) = 20\n";
        Assert.Equal(DrillVerdict.Pass, Run(Server + more + "+0 > P. 1:61(60) ack 1\n").Verdict);
        // The 40 bytes did not go alone at once (had MSG_MORE been ignored, this expectation would hold).
        var r = Run(Server + more.Replace("+.01 send", "+0 send", StringComparison.Ordinal) + "+0 > P. 1:41(40) ack 1\n");
        Assert.Equal(DrillVerdict.Fail, r.Verdict);
    }

    [Fact]
    public void Tcp_cork_holds_short_writes_until_it_comes_off()
    {
        const string cork = "+0 setsockopt(4, SOL_TCP, TCP_CORK, [1], 4) = 0\n+0 write(4, ..., 40) = 40\n+.01 write(4, ..., 40) = 40\n";
        Assert.Equal(DrillVerdict.Pass, Run(Server + cork + "+.01 setsockopt(4, SOL_TCP, TCP_CORK, [0], 4) = 0\n+0 > P. 1:81(80) ack 1\n").Verdict);
        Assert.Equal(DrillVerdict.Fail, Run(Server + cork + "+0 > P. 1:41(40) ack 1\n").Verdict);
    }

    [Fact]
    public void Siocinq_counts_the_bytes_waiting_to_be_read()
    {
        Assert.Equal(DrillVerdict.Pass, Run(Server + "+0 < . 1:1001(1000) ack 1 win 65535\n+0 ioctl(4, SIOCINQ, [1000]) = 0\n").Verdict);
        var wrong = Run(Server + "+0 < . 1:1001(1000) ack 1 win 65535\n+0 ioctl(4, SIOCINQ, [7]) = 0\n");
        Assert.Equal((DrillVerdict.Fail, 10), (wrong.Verdict, wrong.Line));
    }

    [Fact]
    public void Tcp_maxseg_before_connect_sets_the_mss_offered()
    {
        const string client = """
            `sysctl -q net.ipv4.tcp_timestamps=0`
                0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
               +0 setsockopt(3, SOL_TCP, TCP_MAXSEG, [1100], 4) = 0
               +0 getsockopt(3, SOL_TCP, TCP_MAXSEG, [1100], [4]) = 0
              +.1 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)

            """;
        var nonBlocking = client.Replace("    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3", "    0 socket(..., SOCK_STREAM|SOCK_NONBLOCK, IPPROTO_TCP) = 3", StringComparison.Ordinal);
        var r = Run(nonBlocking + "+0 > S 0:0(0) <mss 1100,nop,nop,sackOK,nop,wscale 7>\n");
        Assert.Equal(DrillVerdict.Pass, r.Verdict);
        Assert.Equal(DrillVerdict.Fail, Run(nonBlocking + "+0 > S 0:0(0) <mss 1460,nop,nop,sackOK,nop,wscale 7>\n").Verdict);
    }

    [Fact]
    public void Tcp_maxseg_on_a_connection_reports_the_send_mss()
    {
        Assert.Equal(DrillVerdict.Pass, Run(Server + "+0 getsockopt(4, SOL_TCP, TCP_MAXSEG, [1000], [4]) = 0\n").Verdict);
        Assert.Equal(DrillVerdict.Fail, Run(Server + "+0 getsockopt(4, SOL_TCP, TCP_MAXSEG, [1460], [4]) = 0\n").Verdict);
    }

    [Fact]
    public void Tcp_user_timeout_is_set_on_the_connection()
    {
        const string set = "+0 setsockopt(4, SOL_TCP, TCP_USER_TIMEOUT, [3000], 4) = 0\n";
        Assert.Equal(DrillVerdict.Pass, Run(Server + set + "+0 getsockopt(4, SOL_TCP, TCP_USER_TIMEOUT, [3000], [4]) = 0\n").Verdict);
        Assert.Equal(DrillVerdict.Fail, Run(Server + set + "+0 getsockopt(4, SOL_TCP, TCP_USER_TIMEOUT, [2000], [4]) = 0\n").Verdict);
    }

    [Fact]
    public void Slow_start_after_idle_sysctl_is_mapped()
    {
        Assert.True(Settings("`sysctl -q net.ipv4.tcp_slow_start_after_idle=0`").SlowStartAfterIdle is false);
        Assert.True(Settings("`sysctl -q net.ipv4.tcp_slow_start_after_idle=1`").SlowStartAfterIdle);
        Assert.Equal(SynAck.Tcp.Congestion.CongestionAlgorithm.NewReno, Settings("`sysctl -q net.ipv4.tcp_congestion_control=reno`").CongestionControl);
        Assert.False(Settings("`sysctl -q net.ipv4.tcp_recovery=0 net.ipv4.tcp_early_retrans=0`").Rack);
        Assert.False(Settings("`sysctl -q net.ipv4.tcp_early_retrans=2`").TailLossProbe);
    }

    [Fact]
    public void An_unknown_congestion_control_is_unsupported()
        => Assert.Equal(DrillVerdict.Unsupported, Run("`sysctl -q net.ipv4.tcp_congestion_control=bbr`\n0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n").Verdict);

    [Fact]
    public void Ca_state_is_open_on_a_quiet_connection()
    {
        Assert.Equal(DrillVerdict.Pass, Run(Server + "+0 %{ assert tcpi_ca_state == TCP_CA_Open and tcpi_sacked == 0 }%\n").Verdict);
        Assert.Equal(DrillVerdict.Fail, Run(Server + "+0 %{ assert tcpi_ca_state == TCP_CA_Loss }%\n").Verdict);
    }

    [Fact]
    public void A_packet_mismatch_after_a_false_assertion_is_the_verdict_as_in_packetdrill()
    {
        // packetdrill runs the Python after the last event: the packet at line 11 fails first.
        var r = Run(Server + "+0 %{ assert tcpi_snd_cwnd == 1234 }%\n+0 write(4, ..., 10) = 10\n+0 > P. 1:11(10) ack 7\n");
        Assert.Equal((DrillVerdict.Fail, 11), (r.Verdict, r.Line));
        var alone = Run(Server + "+0 %{ assert tcpi_snd_cwnd == 1234 }%\n+0 write(4, ..., 10) = 10\n+0 > P. 1:11(10) ack 1\n");
        Assert.Equal((DrillVerdict.Fail, 9), (alone.Verdict, alone.Line));
    }

    [Fact]
    public void A_socket_takes_the_descriptor_the_script_expects()
        => Assert.Equal(DrillVerdict.Pass, Run("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 4\n+0 close(4) = 0\n").Verdict);

    private static SynAck.Tcp.TcpSettings Settings(string command)
    {
        var sysctl = new SysctlSettings();
        ShellCommands.Apply(command.Trim('`'), AppContext.BaseDirectory, sysctl, 1);
        return sysctl.ToTcpSettings();
    }
}
