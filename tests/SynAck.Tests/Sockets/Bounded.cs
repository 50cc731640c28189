namespace SynAck.Tests.Sockets;

/// <summary>Awaits with the suite's limit, so a bug shows as a failed test rather than a hang.</summary>
internal static class Bounded
{
    public static Task<T> Within<T>(this ValueTask<T> task) => task.AsTask().WaitAsync(HostPair.Limit, HostPair.Ct);

    public static Task Within(this ValueTask task) => task.AsTask().WaitAsync(HostPair.Limit, HostPair.Ct);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(HostPair.Limit, HostPair.Ct);

    public static Task Within(this Task task) => task.WaitAsync(HostPair.Limit, HostPair.Ct);

    /// <summary>Reads until the end of the stream.</summary>
    public static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var all = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await stream.ReadAsync(buffer, HostPair.Ct).Within()) > 0)
            all.Write(buffer, 0, n);
        return all.ToArray();
    }

    /// <summary>Checks <paramref name="condition"/> until it holds; each check is a step of the host's loop, not a guess at a duration.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + HostPair.Limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{what} did not happen within {HostPair.Limit.TotalSeconds} s");
            await Task.Delay(5, HostPair.Ct);
        }
    }
}
