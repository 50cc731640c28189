using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SynAck.Analysis.Tests.Reports;

/// <summary>
/// A minimal Chrome DevTools Protocol client over headless Debian Chromium: enough to load a page, watch its
/// network requests and console, and evaluate script in it (as a user clicking would). Every wait is bounded.
/// </summary>
internal sealed class DevToolsSession : IAsyncDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly Process _browser;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly List<JsonObject> _events = [];
    private readonly Dictionary<int, TaskCompletionSource<JsonObject>> _pending = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reader;
    private int _nextId;

    private DevToolsSession(Process browser, string profile)
    {
        _browser = browser;
        _profile = profile;
    }

    /// <summary>Every event received so far (method and params), in arrival order.</summary>
    public IReadOnlyList<JsonObject> Events
    {
        get
        {
            lock (_gate)
                return [.. _events];
        }
    }

    public static async Task<DevToolsSession> StartAsync(string chromium)
    {
        string profile = Directory.CreateTempSubdirectory("synack-cdp-").FullName;
        var psi = new ProcessStartInfo(chromium)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + profile, "--remote-debugging-port=0", "about:blank",
        })
            psi.ArgumentList.Add(a);
        var browser = Process.Start(psi) ?? throw new InvalidOperationException("chromium did not start");
        browser.BeginErrorReadLine();
        browser.BeginOutputReadLine();
        var session = new DevToolsSession(browser, profile);
        try
        {
            await session.ConnectAsync();
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
        return session;
    }

    private async Task ConnectAsync()
    {
        // Chromium writes the port it chose to DevToolsActivePort in the profile once it listens.
        string portFile = Path.Combine(_profile, "DevToolsActivePort");
        var clock = Stopwatch.StartNew();
        while (!File.Exists(portFile) || new FileInfo(portFile).Length == 0)
        {
            if (_browser.HasExited)
                throw new InvalidOperationException($"chromium exited with {_browser.ExitCode} before listening");
            if (clock.Elapsed > Limit)
                throw new TimeoutException("chromium never wrote DevToolsActivePort");
            await Task.Delay(50);
        }
        int port = int.Parse(File.ReadAllLines(portFile)[0], System.Globalization.CultureInfo.InvariantCulture);
        using var http = new HttpClient { Timeout = Limit };
        var targets = JsonNode.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/json/list")))!.AsArray();
        var page = targets.First(t => (string?)t!["type"] == "page")!;
        await _socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), _stop.Token);
        _reader = Task.Run(ReadLoopAsync);
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close)
                    return;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage)
                    continue;
                var node = JsonNode.Parse(message.ToArray())!.AsObject();
                message.SetLength(0);
                TaskCompletionSource<JsonObject>? waiter = null;
                lock (_gate)
                {
                    if (node["id"] is JsonValue id && _pending.Remove((int)id, out var w))
                        waiter = w;
                    else if (node["method"] is not null)
                        _events.Add(node);
                }
                waiter?.TrySetResult(node);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
        }
    }

    /// <summary>Sends one command and returns its result, failing on a protocol error.</summary>
    public async Task<JsonObject> SendAsync(string method, JsonObject? parameters = null)
    {
        var done = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        int id;
        lock (_gate)
        {
            id = ++_nextId;
            _pending[id] = done;
        }
        var request = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? [] };
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, _stop.Token);
        var reply = await done.Task.WaitAsync(Limit);
        if (reply["error"] is JsonNode error)
            throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
        return reply["result"]!.AsObject();
    }

    /// <summary>Waits until an event with this method has arrived.</summary>
    public async Task WaitForEventAsync(string method)
    {
        var clock = Stopwatch.StartNew();
        while (!Events.Any(e => (string?)e["method"] == method))
        {
            if (clock.Elapsed > Limit)
                throw new TimeoutException($"no {method} event");
            await Task.Delay(20);
        }
    }

    /// <summary>Evaluates a script expression in the page and returns its value as JSON.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["userGesture"] = true,
        });
        if (result["exceptionDetails"] is JsonNode ex)
            throw new InvalidOperationException("script threw: " + ex.ToJsonString());
        return result["result"]?["value"]?.DeepClone();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reader is not null)
            await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        try
        {
            if (!_browser.HasExited)
                _browser.Kill(entireProcessTree: true);
            await _browser.WaitForExitAsync().WaitAsync(Limit);
        }
        catch (InvalidOperationException)
        {
        }
        _browser.Dispose();
        _stop.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
            // Chromium's crashpad helper can still hold a file for a moment; the temp folder is harmless.
        }
    }
}
