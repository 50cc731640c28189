using System.Text.Json.Nodes;
using SynAck.Analysis.Tests.Conversations;
using SynAck.Cli.Commands;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Reports;

/// <summary>
/// The HTML report driven in headless Chromium through the DevTools protocol: what is really rendered (computed
/// style and layout, not attributes) after each row click, sorting, filtering, the timeline, a 10,000-connection
/// report's size and click latency, no network request beyond its own file and no script error.
/// </summary>
public sealed class HtmlInteractionTests
{
    /// <summary>The ladders actually on screen: elements holding a ladder SVG whose computed display is not none and that take up space.</summary>
    private const string VisibleLadders = """
        [...document.querySelectorAll('svg')].filter(s => s.closest('#ladder'))
          .filter(s => { let e = s; while (e) { if (getComputedStyle(e).display === 'none') return false; e = e.parentElement; } return s.getBoundingClientRect().height > 0; })
          .map(s => ({ title: s.querySelector('text').textContent, arrows: s.querySelectorAll('g.segment').length }))
        """;

    private static async Task<DevToolsSession> OpenAsync(string html)
    {
        var page = await DevToolsSession.StartAsync("/usr/bin/chromium");
        await page.SendAsync("Network.enable");
        await page.SendAsync("Runtime.enable");
        await page.SendAsync("Log.enable");
        await page.SendAsync("Page.enable");
        await page.SendAsync("Page.navigate", new JsonObject { ["url"] = new Uri(html).AbsoluteUri });
        await page.WaitForEventAsync("Page.loadEventFired");
        return page;
    }

    private static void AssertQuietAndOffline(DevToolsSession page, string html)
    {
        string url = new Uri(html).AbsoluteUri;
        var events = page.Events;
        var requested = events.Where(e => (string?)e["method"] == "Network.requestWillBeSent")
            .Select(e => (string)e["params"]!["request"]!["url"]!).ToArray();
        Assert.All(requested, u => Assert.True(u == url || u.StartsWith("data:", StringComparison.Ordinal), $"network request to {u}"));
        Assert.DoesNotContain(events, e => (string?)e["method"] == "Runtime.exceptionThrown");
        Assert.DoesNotContain(events, e => (string?)e["method"] == "Runtime.consoleAPICalled" && (string?)e["params"]!["type"] == "error");
        Assert.DoesNotContain(events, e => (string?)e["method"] == "Log.entryAdded" && (string?)e["params"]!["entry"]!["level"] == "error");
    }

    [Fact]
    public async Task Each_row_click_renders_exactly_its_own_ladder_and_sorting_filtering_and_the_timeline_work()
    {
        Requirement.Tools("/usr/bin/chromium");
        var dir = Directory.CreateTempSubdirectory("synack-html-click-").FullName;
        try
        {
            // Three connections: one closed with FIN (the client holds TIME_WAIT), one reset by the server, one refused.
            var pcap = new SyntheticCapture()
                .Handshake(0, clientPort: 40000)
                .Add(30, true, TcpFlags.Fin | TcpFlags.Ack, 1001, 5001, clientPort: 40000)
                .Add(31, false, TcpFlags.Fin | TcpFlags.Ack, 5001, 1002, clientPort: 40000)
                .Add(32, true, TcpFlags.Ack, 1002, 5002, clientPort: 40000)
                .Handshake(100, clientPort: 40001, clientIsn: 7000, serverIsn: 9000)
                .Add(130, true, TcpFlags.Psh | TcpFlags.Ack, 7001, 9001, length: 1000, clientPort: 40001)
                .Add(131, false, TcpFlags.Rst, 9001, 0, clientPort: 40001)
                .Add(200, true, TcpFlags.Syn, 3000, 0, clientPort: 40002).Add(201, false, TcpFlags.Rst | TcpFlags.Ack, 0, 3001, clientPort: 40002)
                .Save();
            var html = Path.Combine(dir, "report.html");
            Assert.Equal(0, AnalyzeCommand.Invoke([pcap, "--html", html], TextWriter.Null, TextWriter.Null));
            File.Delete(pcap);
            await using var page = await OpenAsync(html);

            var streams = (await page.EvaluateAsync("[...document.querySelectorAll('tr.conn')].map(r => r.getAttribute('data-stream'))"))!
                .AsArray().Select(n => (string)n!).ToArray();
            Assert.Equal(["0", "1", "2"], streams);
            var arrows = new Dictionary<string, int> { ["0"] = 6, ["1"] = 5, ["2"] = 2 };
            foreach (var stream in streams.Reverse().Concat(streams))
            {
                await page.EvaluateAsync($"document.querySelector('tr.conn[data-stream=\"{stream}\"]').click()");
                var shown = (await page.EvaluateAsync(VisibleLadders))!.AsArray();
                var only = Assert.Single(shown);
                Assert.StartsWith($"tcp.stream {stream}:", (string)only!["title"]!, StringComparison.Ordinal);
                Assert.Equal(arrows[stream], (int)only["arrows"]!);
            }

            // Sorting by bytes, descending on the second click: the 1000-byte connection first.
            await page.EvaluateAsync("document.querySelector('th[data-key=\"bytes\"]').click(); document.querySelector('th[data-key=\"bytes\"]').click()");
            Assert.Equal("1", (string)(await page.EvaluateAsync("document.querySelector('tr.conn').getAttribute('data-stream')"))!);
            await page.EvaluateAsync("document.querySelector('th[data-key=\"stream\"]').click()");
            Assert.Equal("0", (string)(await page.EvaluateAsync("document.querySelector('tr.conn').getAttribute('data-stream')"))!);

            // Filtering by state: only the refused connection's row stays rendered.
            var visibleRows = await page.EvaluateAsync("""
                (() => { const f = document.getElementById('filter'); f.value = 'REJ'; f.dispatchEvent(new Event('input'));
                  return [...document.querySelectorAll('tr.conn')].filter(r => r.getBoundingClientRect().height > 0).map(r => r.getAttribute('data-stream')); })()
                """);
            Assert.Equal(["2"], visibleRows!.AsArray().Select(n => (string)n!));

            // The timeline: a bar per connection and the TIME-WAIT holder's shaded interval.
            Assert.Equal(3, (int)(await page.EvaluateAsync("document.querySelectorAll('#timeline rect.conn-bar').length"))!);
            Assert.Equal(1, (int)(await page.EvaluateAsync("document.querySelectorAll('#timeline rect.time-wait').length"))!);
            Assert.Equal("10.0.0.1", (string)(await page.EvaluateAsync("document.querySelector('#time-wait tbody td').textContent"))!);
            AssertQuietAndOffline(page, html);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_report_of_ten_thousand_connections_stays_under_10_MB_and_draws_a_ladder_within_a_second()
    {
        Requirement.Tools("/usr/bin/chromium");
        var dir = Directory.CreateTempSubdirectory("synack-html-big-").FullName;
        try
        {
            var cap = new SyntheticCapture();
            for (int i = 0; i < 10_000; i++)
            {
                ushort port = (ushort)(20000 + i);
                double t = i * 5;
                cap.Handshake(t, clientPort: port)
                    .Add(t + 1, true, TcpFlags.Psh | TcpFlags.Ack, 1001, 5001, length: 100, clientPort: port)
                    .Add(t + 2, false, TcpFlags.Psh | TcpFlags.Ack, 5001, 1101, length: 1000, clientPort: port)
                    .Add(t + 3, true, TcpFlags.Fin | TcpFlags.Ack, 1101, 6001, clientPort: port)
                    .Add(t + 4, false, TcpFlags.Fin | TcpFlags.Ack, 6001, 1102, clientPort: port)
                    .Add(t + 4.5, true, TcpFlags.Ack, 1102, 6002, clientPort: port);
            }
            var pcap = cap.Save();
            var html = Path.Combine(dir, "report.html");
            Assert.Equal(0, AnalyzeCommand.Invoke([pcap, "--html", html, "--limit", "10000"], TextWriter.Null, TextWriter.Null));
            File.Delete(pcap);
            long size = new FileInfo(html).Length;
            Assert.True(size < 10_000_000, $"report of {size} bytes");

            await using var page = await OpenAsync(html);
            Assert.Equal(10_000, (int)(await page.EvaluateAsync("document.querySelectorAll('tr.conn').length"))!);
            var elapsed = (double)(await page.EvaluateAsync("""
                (() => { const t0 = performance.now(); document.querySelector('tr.conn[data-stream="9876"]').click();
                  document.getElementById('ladder').getBoundingClientRect(); return performance.now() - t0; })()
                """))!;
            Assert.True(elapsed < 1000, $"the click took {elapsed:F0} ms");
            var only = Assert.Single((await page.EvaluateAsync(VisibleLadders))!.AsArray());
            Assert.StartsWith("tcp.stream 9876:", (string)only!["title"]!, StringComparison.Ordinal);
            Assert.Equal(8, (int)only["arrows"]!);
            AssertQuietAndOffline(page, html);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
