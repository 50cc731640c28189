using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using SynAck.Analysis.Conversations;
using SynAck.Analysis.Ladder;
using SynAck.Analysis.Reports;
using SynAck.Capture;

namespace SynAck.Cli.Commands;

/// <summary>
/// <c>synack analyze FILE</c>: connection lifecycles from a pcap/pcapng capture. Exit codes: 0 done, 2 usage
/// error or unreadable file, 3 partial (the capture is damaged; what came before the damage is reported).
/// </summary>
internal static class AnalyzeCommand
{
    public const int Ok = 0;
    public const int Usage = 2;
    public const int Partial = 3;

    private const long ProgressThresholdBytes = 64L * 1024 * 1024;

    /// <summary>The subcommand for the synack root command, writing to the console.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var (command, read) = Build();
        command.SetAction(parse =>
        {
            if (Unknown(parse, read(parse)) is { } unknown)
                return Fail(error, unknown);
            return Run(read(parse), output, error, interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        });
        return command;
    }

    /// <summary>The whole command in process, with the arguments as typed after "analyze"; returns the exit code.
    /// <paramref name="stdin"/> stands for the process's standard input when FILE is "-".</summary>
    public static int Invoke(string[] args, TextWriter stdout, TextWriter stderr, Stream? stdin = null)
    {
        var (command, read) = Build();
        var parse = command.Parse(args);
        if (parse.Errors.Count > 0)
            return Fail(stderr, Commands.Usage.Friendly(parse.Errors[0].Message));
        if (Unknown(parse, read(parse)) is { } unknown)
            return Fail(stderr, unknown);
        return Run(read(parse), stdout, stderr, interactive: false, stdin);
    }

    private static readonly string[] Switches = ["--json", "--stream", "--html", "--limit", "--frames", "--verify-checksums", "--zeek-conn-log"];

    /// <summary>
    /// What was typed that analyze does not know, switches first: an unknown switch lands in the FILE argument
    /// (System.CommandLine takes any token there), so "--bogus x.pcap" must blame --bogus, not the file.
    /// </summary>
    private static string? Unknown(ParseResult parse, Request r)
    {
        string? token = r.File is { Length: > 1 } f && f.StartsWith('-') ? f
            : parse.UnmatchedTokens.FirstOrDefault(t => t.Length > 1 && t.StartsWith('-')) ?? parse.UnmatchedTokens.FirstOrDefault();
        if (token is null)
            return null;
        if (!token.StartsWith('-'))
            return $"unexpected argument '{token}' (analyze takes one FILE)";
        string near = Commands.Usage.Suggest(token, Switches) is { } s ? $"; did you mean '{s}'?" : "";
        return $"unknown switch '{token}'{near} (valid: {string.Join(" ", Switches)})";
    }

    private static (Command Command, Func<ParseResult, Request> Read) Build()
    {
        var file = new Argument<string?>("FILE") { Description = "pcap or pcapng capture, plain or gzip/zstd/lz4-compressed; - reads stdin", Arity = ArgumentArity.ZeroOrOne };
        var json = new Option<bool>("--json") { Description = "JSON on stdout (schema: docs/analyze-json.md)" };
        var stream = new Option<string?>("--stream") { Description = "draw the ladder diagram of tcp.stream N" };
        var html = new Option<string?>("--html") { Description = "write a self-contained HTML report to FILE" };
        var limit = new Option<string?>("--limit") { Description = "connections shown in the table / HTML (default 50 / 1000)" };
        var frames = new Option<bool>("--frames") { Description = "with --json: list the frame numbers of each expert verdict" };
        var zeek = new Option<string?>("--zeek-conn-log") { Description = "write the connections as Zeek's conn.log (TSV) to FILE, - for stdout" };
        var verify = new Option<bool>("--verify-checksums") { Description = "treat bad checksums as Zeek does (history 'c', segment ignored); off by default" };
        var command = new Command("analyze", "Connection lifecycles from a capture: handshakes, closes, TIME_WAIT, resets, Zeek and Wireshark verdicts")
        {
            file, json, stream, html, limit, frames, verify, zeek,
        };
        // Unknown options reach the action, which reports them in one line with exit code 2.
        command.TreatUnmatchedTokensAsErrors = false;
        return (command, parse => new Request(parse.GetValue(file), parse.GetValue(json), parse.GetValue(stream), parse.GetValue(html),
            parse.GetValue(limit), parse.GetValue(frames), parse.GetValue(verify), parse.GetValue(zeek)));
    }

    private sealed record Request(string? File, bool Json, string? Stream, string? Html, string? Limit, bool Frames, bool VerifyChecksums, string? ZeekConnLog);

    private static int Run(Request r, TextWriter stdout, TextWriter stderr, bool interactive, Stream? stdin = null)
    {
        if (string.IsNullOrEmpty(r.File))
            return Fail(stderr, "missing FILE (usage: synack analyze FILE [--json] [--stream N] [--html OUT])");
        if (r.ZeekConnLog == "-" && (r.Json || r.Stream is not null))
            return Fail(stderr, "--zeek-conn-log - writes to stdout: it cannot be combined with --json or --stream");
        long? streamNumber = null;
        if (r.Stream is not null)
        {
            if (!long.TryParse(r.Stream, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
                return Fail(stderr, $"--stream needs a stream number, not '{r.Stream}'");
            streamNumber = n;
        }
        int? limit = null;
        if (r.Limit is not null)
        {
            if (!int.TryParse(r.Limit, NumberStyles.None, CultureInfo.InvariantCulture, out int l) || l == 0)
                return Fail(stderr, $"--limit needs a positive number, not '{r.Limit}'");
            limit = l;
        }
        if (r.File != "-" && Directory.Exists(r.File))
            return Fail(stderr, $"'{r.File}' is a directory; give a capture file");
        Stream input;
        try
        {
            // "-" reads the capture from stdin (a pipe from gzip or tcpdump -w -).
            input = r.File == "-" ? new BufferedStream(stdin ?? Console.OpenStandardInput(), 1 << 16)
                : new FileStream(r.File, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Fail(stderr, $"cannot open '{r.File}': {e.Message}");
        }

        using (input)
        {
            int tableLimit = limit ?? (r.Html is not null ? 1000 : 50);
            var options = new AnalyzerOptions
            {
                LadderSegmentLimit = streamNumber is not null ? 100_000 : r.Html is not null ? 300 : 0,
                LadderStream = streamNumber,
                ExpertFrameLimit = r.Frames ? 10_000 : 0,
                VerifyChecksums = r.VerifyChecksums,
            };
            var kept = new PriorityQueue<TcpConnection, long>();
            TcpConnection? wanted = null;
            JsonReport? json = r.Json && streamNumber is null ? new JsonReport(stdout, r.File, r.Frames) : null;
            ZeekConnLog? zeek = null;
            if (r.ZeekConnLog is not null)
            {
                try
                {
                    zeek = r.ZeekConnLog == "-" ? new ZeekConnLog(stdout, DateTimeOffset.UtcNow, leaveOpen: true)
                        : new ZeekConnLog(new StreamWriter(r.ZeekConnLog, append: false, new System.Text.UTF8Encoding(false)), DateTimeOffset.UtcNow);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    return Fail(stderr, $"cannot write '{r.ZeekConnLog}': {e.Message}");
                }
            }
            using var zeekLog = zeek;
            void OnFinished(TcpConnection c)
            {
                if (c.Stream == streamNumber)
                    wanted = c;
                json?.WriteConnection(c);
                zeek?.Write(c);
                // Keep the lowest stream numbers: drop the highest once over the limit.
                kept.Enqueue(c, -c.Stream);
                if (kept.Count > tableLimit)
                    kept.Dequeue();
            }
            var analyzer = new ConversationAnalyzer(options, OnFinished);
            using var reader = CaptureReader.Open(input, leaveOpen: true);
            // Not damage but the wrong kind of file (a text file, a log): a usage error, not a partial analysis.
            if (reader.Error is { Offset: 0 } notCapture && reader.FramesRead == 0 && notCapture.Message.StartsWith("unknown magic", StringComparison.Ordinal))
                return Fail(stderr, $"'{r.File}' is not a capture: {notCapture.Message}");
            if (interactive && !r.Json && input.CanSeek && reader.Compression == CaptureCompression.None && input.Length >= ProgressThresholdBytes)
            {
                AnsiConsole.Progress().AutoClear(true).Start(ctx =>
                {
                    var task = ctx.AddTask("analysing", maxValue: input.Length);
                    while (reader.TryReadNext(out var record))
                    {
                        analyzer.Add(record);
                        if ((record.FrameNumber & 0x3FFF) == 0)
                            task.Value = reader.BytesRead;
                    }
                    task.Value = input.Length;
                });
            }
            else
            {
                while (reader.TryReadNext(out var record))
                    analyzer.Add(record);
            }
            analyzer.Complete();
            var summary = analyzer.Summary;
            var error = reader.Error;
            if (analyzer.NothingDecodable)
                return Fail(stderr, $"cannot decode link type {LinkTypeNames(analyzer.UnsupportedLinkTypes)} of '{r.File}': no frame analysed");
            if (analyzer.UnsupportedLinkTypes.Count > 0)
                stderr.WriteLine($"note: skipped {summary.Packets.UnsupportedLinkType} frames of link type {LinkTypeNames(analyzer.UnsupportedLinkTypes)}, which SynAck does not decode");
            var shown = new List<TcpConnection>(kept.Count);
            while (kept.Count > 0)
                shown.Add(kept.Dequeue());
            shown.Reverse();

            zeek?.Close();
            if (json is not null)
            {
                json.Finish(summary, error);
                json.Dispose();
                stdout.WriteLine();
            }
            else if (streamNumber is { } sn)
            {
                if (wanted is null)
                {
                    if (error is not null)
                        stderr.WriteLine($"capture damaged at byte offset {error.Offset}: {error.Message}");
                    return Fail(stderr, $"no tcp.stream {sn} in {r.File} ({analyzer.StreamCount} streams)");
                }
                var glyphs = stdout.Encoding.WebName.Contains("utf", StringComparison.OrdinalIgnoreCase) ? LadderGlyphs.Unicode : LadderGlyphs.Ascii;
                stdout.Write(new TextLadderRenderer(glyphs, 100).Render(ConnectionLadder.Build(wanted)));
                stdout.WriteLine($"{wanted.ConnState} {wanted.History}: {wanted.EndDescription}");
            }
            else if (r.Html is null && r.ZeekConnLog != "-")
            {
                var console = AnsiConsole.Create(new AnsiConsoleSettings
                {
                    Out = new AnsiConsoleOutput(stdout),
                    Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
                    ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
                    Interactive = InteractionSupport.No,
                });
                if (!interactive)
                    console.Profile.Width = 200;
                TableReport.Write(console, shown, summary, null, summary.Connections);
            }

            if (r.Html is not null)
            {
                try
                {
                    using var html = new StreamWriter(r.Html, append: false, new System.Text.UTF8Encoding(false));
                    HtmlReport.Write(html, Path.GetFileName(r.File), shown, summary, error, summary.Connections);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    return Fail(stderr, $"cannot write '{r.Html}': {e.Message}");
                }
                if (!r.Json && streamNumber is null)
                    stdout.WriteLine($"wrote {r.Html}: {shown.Count} of {summary.Connections} connections");
            }

            if (error is not null)
            {
                stderr.WriteLine($"capture damaged at byte offset {error.Offset}: {error.Message}");
                return Partial;
            }
            return Ok;
        }
    }

    private static string LinkTypeNames(IEnumerable<LinkType> types)
        => string.Join(", ", types.Select(t => Enum.IsDefined(t) ? $"{(uint)t} ({t})" : ((uint)t).ToString(CultureInfo.InvariantCulture)));

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine("error: " + message);
        return Usage;
    }
}
