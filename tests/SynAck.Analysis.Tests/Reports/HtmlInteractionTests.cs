using System.Text.Json.Nodes;
using SynAck.Analysis.Tests.Conversations;
using SynAck.Cli.Commands;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Reports;

/// <summary>
/// The HTML report driven in headless Chromium through the DevTools protocol: it makes no network request beyond
/// its own file, logs no script error, and clicking a connection row shows that connection's ladder (and only it).
/// </summary>
public sealed class HtmlInteractionTests
{
    [Fact]
    public async Task Clicking_a_connection_row_shows_its_ladder_with_no_network_requests_and_no_errors()
    {
        Requirement.Tools("/usr/bin/chromium");
        var dir = Directory.CreateTempSubdirectory("synack-html-click-").FullName;
        try
        {
            // Two connections from different client ports: one closed with FIN, one reset by the server.
            var pcap = new SyntheticCapture()
                .Handshake(0, clientPort: 40000)
                .Add(30, true, TcpFlags.Fin | TcpFlags.Ack, 1001, 5001, clientPort: 40000)
                .Add(31, false, TcpFlags.Fin | TcpFlags.Ack, 5001, 1002, clientPort: 40000)
                .Add(32, true, TcpFlags.Ack, 1002, 5002, clientPort: 40000)
                .Handshake(100, clientPort: 40001, clientIsn: 7000, serverIsn: 9000)
                .Add(130, true, TcpFlags.Psh | TcpFlags.Ack, 7001, 9001, length: 10, clientPort: 40001)
                .Add(131, false, TcpFlags.Rst, 9001, 0, clientPort: 40001)
                .Save();
            var html = Path.Combine(dir, "report.html");
            Assert.Equal(0, AnalyzeCommand.Invoke([pcap, "--html", html], TextWriter.Null, TextWriter.Null));
            File.Delete(pcap);

            await using var page = await DevToolsSession.StartAsync("/usr/bin/chromium");
            await page.SendAsync("Network.enable");
            await page.SendAsync("Runtime.enable");
            await page.SendAsync("Log.enable");
            await page.SendAsync("Page.enable");
            string url = new Uri(html).AbsoluteUri;
            await page.SendAsync("Page.navigate", new JsonObject { ["url"] = url });
            await page.WaitForEventAsync("Page.loadEventFired");

            var streams = (await page.EvaluateAsync(
                "[...document.querySelectorAll('tr.conn')].map(r => r.getAttribute('data-stream'))"))!.AsArray()
                .Select(n => (string)n!).ToArray();
            Assert.Equal(2, streams.Length);

            foreach (var stream in streams.Reverse())
            {
                var shown = (await page.EvaluateAsync(
                    $$"""
                    (() => {
                      document.querySelector('tr.conn[data-stream="{{stream}}"]').click();
                      const visible = [...document.querySelectorAll('.ladder')].filter(d => !d.hidden && d.offsetHeight > 0);
                      return visible.map(d => ({ id: d.id, svgs: d.querySelectorAll('svg').length,
                                                 arrows: d.querySelectorAll('g.segment').length }));
                    })()
                    """))!.AsArray();
                var only = Assert.Single(shown);
                Assert.Equal("ladder-" + stream, (string)only!["id"]!);
                Assert.Equal(1, (int)only["svgs"]!);
                Assert.True((int)only["arrows"]! >= 4, $"ladder of stream {stream} has {(int)only["arrows"]!} arrows");
            }

            var events = page.Events;
            var requested = events.Where(e => (string?)e["method"] == "Network.requestWillBeSent")
                .Select(e => (string)e["params"]!["request"]!["url"]!).ToArray();
            Assert.All(requested, u => Assert.True(u == url || u.StartsWith("data:", StringComparison.Ordinal), $"network request to {u}"));
            Assert.DoesNotContain(events, e => (string?)e["method"] == "Runtime.exceptionThrown");
            Assert.DoesNotContain(events, e => (string?)e["method"] == "Runtime.consoleAPICalled" && (string?)e["params"]!["type"] == "error");
            Assert.DoesNotContain(events, e => (string?)e["method"] == "Log.entryAdded" && (string?)e["params"]!["entry"]!["level"] == "error");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
