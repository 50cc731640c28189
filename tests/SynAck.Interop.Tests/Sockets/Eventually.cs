using System.Diagnostics;

namespace SynAck.Interop.Tests.Sockets;

/// <summary>Waits for a condition that the network makes true a little later (a close handshake, a timer), up to a limit.</summary>
internal static class Eventually
{
    public static async Task HoldsAsync(Func<Task<bool>> condition, string what, double seconds = 20, Func<Task<string>>? describe = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed.TotalSeconds > seconds)
                Assert.Fail($"{what} did not happen within {seconds} s" + (describe is null ? "" : "; " + await describe()));
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
