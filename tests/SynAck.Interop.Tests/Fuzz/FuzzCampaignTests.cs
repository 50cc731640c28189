namespace SynAck.Interop.Tests.Fuzz;

/// <summary>
/// The bounded coverage-guided fuzz run of CI (issue H, item 5): fuzz/run.sh gives each target (packet parsers,
/// capture readers, a NetStack fed segment-and-call programs) 45 s under AFL++ through SharpFuzz. Needs root
/// only to install afl++ when it is missing. Any crash fails the test and is left in fuzz/findings/.
/// </summary>
public sealed class FuzzCampaignTests(ITestOutputHelper output)
{
    [Fact]
    public void A_bounded_campaign_over_every_target_finds_no_crash()
    {
        if (ExternalProcess.FindOnPath("afl-fuzz") is null)
            Requirement.Root();
        string root = RepositoryRoot();
        var (code, stdout, stderr) = ExternalProcess.Run(TimeSpan.FromMinutes(9), "bash", Path.Combine(root, "fuzz", "run.sh"), "45");
        output.WriteLine(stdout);
        output.WriteLine(stderr);
        Assert.True(code == 0, $"fuzz/run.sh exited {code}:\n{stdout}\n{stderr}");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var target in new[] { "wire", "capture", "stack" })
        {
            var line = Assert.Single(lines, l => l.StartsWith($"fuzz: {target}: ", StringComparison.Ordinal));
            Assert.EndsWith(" 0 crashes", line, StringComparison.Ordinal);
            long executions = long.Parse(line.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(executions > 1000, $"{target}: only {executions} executions — the campaign did not really run");
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SynAck.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("cannot find the repository root above " + AppContext.BaseDirectory);
    }
}
