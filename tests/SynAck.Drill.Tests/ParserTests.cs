using SynAck.Drill.Syntax;

namespace SynAck.Drill.Tests;

/// <summary>One test per construct of packetdrill's grammar (syntax.md).</summary>
public sealed class ParserTests
{
    private static ScriptEvent One(string line) => ScriptParser.Parse(line).Events.Single();

    private static PacketAction Packet(string line) => (PacketAction)One(line).Action;

    private static SyscallAction Call(string line) => (SyscallAction)One(line).Action;

    [Fact]
    public void Options_flag_value_and_word_assignment()
    {
        var s = ScriptParser.Parse("--tolerance_usecs=7000\n--strict_segments\n--define=X=Y\n0 close(3) = 0");
        Assert.Equal(("tolerance_usecs", "7000"), (s.Options[0].Name, s.Options[0].Value));
        Assert.Null(s.Options[1].Value);
        Assert.Equal("X=Y", s.Options[2].Value);
    }

    [Fact]
    public void Option_with_ipv6_address()
        => Assert.Equal("fd::1", ScriptParser.Parse("--local_ip=fd::1\n0 close(3) = 0").Options[0].Value);

    [Fact]
    public void Init_and_cleanup_commands()
    {
        var s = ScriptParser.Parse("`sysctl -q a=1\nsysctl -q b=2`\n0 close(3) = 0\n`echo done`");
        Assert.Contains("b=2", s.InitCommand!.Command, StringComparison.Ordinal);
        Assert.Equal("echo done", s.CleanupCommand!.Command);
    }

    [Theory]
    [InlineData("0.1 close(3) = 0", "Absolute", 100_000, 100_000)]
    [InlineData("+.2 close(3) = 0", "Relative", 200_000, 200_000)]
    [InlineData("* close(3) = 0", "Any", 0, 0)]
    [InlineData("0.1~0.3 close(3) = 0", "AbsoluteRange", 100_000, 300_000)]
    [InlineData("+0.1~+0.3 close(3) = 0", "RelativeRange", 100_000, 300_000)]
    public void Event_times(string line, string kind, long start, long end)
        => Assert.Equal(new EventTime(Enum.Parse<TimeKind>(kind), start, end), One(line).Time);

    [Fact]
    public void Inbound_tcp_packet_with_ack_window_and_urgent()
    {
        var p = Packet("0 < P. 1:1001(1000) ack 5 win 257 urg 3");
        Assert.Equal((PacketDirection.Inbound, "P", true, 1L, 1001L, 1000L), (p.Direction, p.Flags, p.FlagsAck, p.SeqStart, p.SeqEnd, p.PayloadLength));
        Assert.Equal((5L, 257L, 3L), (p.Ack!.Value, p.Window!.Value, p.Urgent!.Value));
    }

    [Theory]
    [InlineData("0 > S 0:0(0)", "S", false)]
    [InlineData("0 > S. 0:0(0) ack 1", "S", true)]
    [InlineData("0 > . 1:1(0) ack 1", "", true)]
    [InlineData("0 > - 1:1(0)", "", false)]
    [InlineData("0 > FPU. 1:1(0) ack 1", "FPU", true)]
    public void Flags(string line, string flags, bool ack)
        => Assert.Equal((flags, ack), (Packet(line).Flags, Packet(line).FlagsAck));

    [Fact]
    public void Every_tcp_option()
    {
        var p = Packet("0 < S 0:0(0) win 1 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 8,eol,sack 1:2 3:4,md5 abcd,FO 7b1b35bc,FOEXP,FO>");
        Assert.Equal(
            [TcpOptionKindSpec.Mss, TcpOptionKindSpec.SackPermitted, TcpOptionKindSpec.Timestamp, TcpOptionKindSpec.Nop, TcpOptionKindSpec.WindowScale,
             TcpOptionKindSpec.Eol, TcpOptionKindSpec.Sack, TcpOptionKindSpec.Md5, TcpOptionKindSpec.FastOpen, TcpOptionKindSpec.FastOpenExp, TcpOptionKindSpec.FastOpen],
            p.Options!.Select(o => o.Kind));
        Assert.Equal((100L, 0L), (p.Options![2].Value, p.Options[2].Value2));
        Assert.Equal([(1L, 2L), (3L, 4L)], p.Options[6].Blocks!);
        Assert.Equal("7b1b35bc", p.Options[8].Blob);
    }

    [Fact]
    public void Any_options_wildcard()
        => Assert.True(Packet("0 > S. 0:0(0) ack 1 <...>").AnyOptions);

    [Theory]
    [InlineData("0 < [ect0] S 0:0(0) win 1", "ect0")]
    [InlineData("0 > (tos 0x10, flowlabel 0x1) S 0:0(0)", "tos 0x10 , flowlabel 0x1")]
    public void Ip_information(string line, string info) => Assert.Equal(info, Packet(line).IpInfo);

    [Fact]
    public void Port_information()
        => Assert.Equal((8080, 9000), (Packet("0 < 8080 > 9000 S 0:0(0) win 1").SourcePort, Packet("0 < 8080 > 9000 S 0:0(0) win 1").DestinationPort));

    [Fact]
    public void Udp_and_icmp_packets()
    {
        Assert.Equal("udp", Packet("0 < udp (1472)").Protocol);
        Assert.Equal("unreachable port_unreachable", Packet("0 < icmp unreachable port_unreachable").Detail);
    }

    [Theory]
    [InlineData("0 < ipv4 192.0.2.1 > 192.168.0.1: S 0:0(0) win 1")]
    [InlineData("0 < gre: S 0:0(0) win 1")]
    [InlineData("0 < mpls (label 1, tc 0, [S], ttl 255): S 0:0(0) win 1")]
    public void Packet_prefixes(string line) => Assert.NotNull(Packet(line).Prefix);

    [Fact]
    public void Syscall_with_ellipsis_words_and_or()
    {
        var c = Call("0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0");
        Assert.IsType<OrExpr>(c.Arguments[2]);
        Assert.IsType<EllipsisExpr>(Call("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3").Arguments[0]);
    }

    [Fact]
    public void Syscall_errno_and_note()
    {
        var c = Call("0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)");
        Assert.Equal((-1L, "EINPROGRESS", "Operation now in progress"), (((IntExpr)c.Result).Value, c.Errno, c.Note));
    }

    [Fact]
    public void Blocking_call_end_time() => Assert.Equal(200_000, Call("+.1...0.200 connect(3, ..., ...) = 0").EndMicros);

    [Fact]
    public void Arrays_strings_and_hex()
    {
        var c = Call("0 setsockopt(3, SOL_SOCKET, SO_SNDBUF, [0x10], 4) = 0");
        Assert.Equal(16, ((IntExpr)((ArrayExpr)c.Arguments[3]).Items[0]).Value);
        Assert.True(((StringExpr)Call("0 write(3, \"abc\"..., 3) = 3").Arguments[1]).Prefix);
    }

    [Fact]
    public void Structures_sockaddr_msghdr_iovec_pollfd_linger()
    {
        Assert.IsType<StructExpr>(Call("0 bind(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"192.0.2.1\")}, 16) = 0").Arguments[1]);
        Assert.IsType<StructExpr>(Call("0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 10}], msg_flags=0}, 0) = 10").Arguments[1]);
        var poll = (StructExpr)((ArrayExpr)Call("0 poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, 0) = 1").Arguments[0]).Items[0];
        Assert.Equal("POLLIN", poll.Field("revents")!.ToString());
        Assert.IsType<StructExpr>(Call("0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0").Arguments[3]);
    }

    [Fact]
    public void Command_and_code_events()
    {
        Assert.IsType<CommandAction>(One("+0 `tc qdisc replace dev tun0 root pfifo`").Action);
        Assert.Contains("tcpi_snd_cwnd", ((CodeAction)One("+0 %{ assert tcpi_snd_cwnd == 10 }%").Action).Code, StringComparison.Ordinal);
    }

    [Fact]
    public void Comments_are_skipped()
        => Assert.Single(ScriptParser.Parse("// a\n/* b\n c */ 0 close(3) = 0 // d").Events);

    [Theory]
    [InlineData("0 close(3) = 0\n+0 < S 0:0(0)", 2, 4)]
    [InlineData("0 close(3) = 0\n  +0 > Q 0:0(0)", 2, 8)]
    [InlineData("0 close(3 = 0", 1, 11)]
    [InlineData("0 < S 0:0(0) win 1 <mss>", 1, 24)]
    [InlineData("0 close(3) = 0\n\"open", 2, 1)]
    public void Errors_carry_line_and_column(string script, int line, int column)
    {
        var e = Assert.Throws<DrillSyntaxException>(() => ScriptParser.Parse(script));
        Assert.Equal((line, column), (e.Line, e.Column));
    }
}
