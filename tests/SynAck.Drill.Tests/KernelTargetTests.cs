using SynAck.Drill.Run;

namespace SynAck.Drill.Tests;

/// <summary>
/// The kernel target (root): SynAck's own scripts whose behaviour both stacks share pass against Linux's TCP too,
/// and on a sample of packetdrill's suite the runner gives packetdrill's own verdict and first failing line.
/// </summary>
public sealed class KernelTargetTests
{
    private static readonly string Own = Path.Combine(AppContext.BaseDirectory, "scripts");

    private static DrillConfig Config => new() { ToleranceMicros = 14000 };

    // The other own scripts pin SynAck's choices (its ISN clock, window scale, challenge-ACK limit, delayed ACK).
    [Theory]
    [InlineData("handshake-passive.pkt")]
    [InlineData("half-close.pkt")]
    [InlineData("rst-rules.pkt")]
    [InlineData("rst-to-closed-port.pkt")]
    [InlineData("simultaneous-close.pkt")]
    [InlineData("syn-cookie.pkt")]
    public void Own_script_passes_against_the_kernel(string script)
    {
        Requirement.Root();
        var r = DrillRunner.RunFileOnKernel(Path.Combine(Own, script), Config);
        Assert.True(r.Verdict == DrillVerdict.Pass, r.Describe());
    }

    [Fact]
    public void A_wrong_expectation_fails_at_its_line_on_the_kernel()
    {
        Requirement.Root();
        string path = Path.Combine(Path.GetTempPath(), $"drill-kernel-{Guid.NewGuid():N}.pkt");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(Own, "rst-to-closed-port.pkt")).Replace("> R 5000:5000(0)", "> R 5001:5001(0)", StringComparison.Ordinal));
        var r = DrillRunner.RunFileOnKernel(path, Config);
        Assert.Equal((DrillVerdict.Fail, 7), (r.Verdict, r.Line));
    }

    // limited-transmit-sack fails on a TSO-sized packet (tun0 with offload, as packetdrill's); validate-... uses ioctl.
    [Fact]
    public void Without_syncookies_2_the_kernel_answers_with_a_full_syn_ack()
    {
        // The own script's cookie SYN-ACK (MSS only) is the cookie's doing: with cookies only on overflow it fails there.
        Requirement.Root();
        string path = Path.Combine(Path.GetTempPath(), $"drill-kernel-{Guid.NewGuid():N}.pkt");
        File.WriteAllText(path, File.ReadAllText(Path.Combine(Own, "syn-cookie.pkt")).Replace("tcp_syncookies=2", "tcp_syncookies=1", StringComparison.Ordinal));
        var r = DrillRunner.RunFileOnKernel(path, Config);
        Assert.Equal((DrillVerdict.Fail, 14), (r.Verdict, r.Line));
        Assert.Equal((DrillVerdict.Fail, 14), (DrillRunner.RunFile(path).Verdict, DrillRunner.RunFile(path).Line));
    }

    public static TheoryData<string> Sample() => ["close/close-on-syn-sent.pkt", "shutdown/shutdown-rd-close.pkt", "ts_recent/invalid_ack.pkt",
        "limited_transmit/limited-transmit-sack.pkt", "validate/validate-established-no-flags.pkt"];

    [Theory]
    [MemberData(nameof(Sample))]
    public void Agrees_with_packetdrill(string script)
    {
        Requirement.Root();
        string? shared = SharedDir();
        if (shared is null)
        {
            if (Requirement.InCi)
                Assert.Fail("../shared (peer suite and build-packetdrill.sh) not found");
            Assert.Skip("../shared (peer suite and build-packetdrill.sh) not found");
        }
        var (code, pd, err) = ExternalProcess.Run(TimeSpan.FromMinutes(10), "bash", Path.Combine(shared!, "tools", "build-packetdrill.sh"));
        Assert.True(code == 0, err);
        string full = Path.Combine(shared!, "peer-suites", "packetdrill", "tcp", script);
        string name = Path.GetFileName(script);
        var oracle = ExternalProcess.Run(TimeSpan.FromMinutes(2), "bash", "-c",
            $"cd '{Path.GetDirectoryName(full)}' && unshare -n '{pd.Trim()}' --tolerance_usecs=14000 '{name}' 2>&1");
        var ours = DrillRunner.RunFileOnKernel(full, Config);
        bool pdPass = oracle.ExitCode == 0;
        Assert.True(pdPass == (ours.Verdict == DrillVerdict.Pass), $"packetdrill: {oracle.Stdout}\nsynack drill --target kernel: {ours.Describe()}");
        if (!pdPass)
        {
            var m = System.Text.RegularExpressions.Regex.Match(oracle.Stdout, "^" + System.Text.RegularExpressions.Regex.Escape(name) + @":(\d+):", System.Text.RegularExpressions.RegexOptions.Multiline);
            Assert.Equal(m.Groups[1].Value, ours.Line.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static string? SharedDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "shared");
            if (File.Exists(Path.Combine(candidate, "tools", "build-packetdrill.sh")))
                return candidate;
        }
        return null;
    }
}
