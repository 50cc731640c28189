using CsCheck;
using SynAck.Fuzz.Targets;

namespace SynAck.Tests.Fuzz;

/// <summary>
/// The coverage-guided fuzz targets (fuzz/SynAck.Fuzz, run by fuzz/run.sh under AFL++) on a fixed random sample
/// and on every input a campaign ever crashed on, so a fixed crash stays fixed without running the fuzzer.
/// </summary>
public sealed class FuzzTargetTests
{
    private delegate void Target(ReadOnlySpan<byte> data);

    private static Target For(string name) => name switch
    {
        "wire" => WireTarget.Run,
        "capture" => CaptureTarget.Run,
        "stack" => StackTarget.Run,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [InlineData("wire")]
    [InlineData("capture")]
    [InlineData("stack")]
    public void Saved_crashes_no_longer_crash(string target)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "Fuzz", "Regressions", target);
        var run = For(target);
        foreach (var file in Directory.Exists(folder) ? Directory.EnumerateFiles(folder) : [])
            run(File.ReadAllBytes(file));
    }

    [Theory]
    [InlineData("wire", 20_000)]
    [InlineData("capture", 5_000)]
    [InlineData("stack", 2_000)]
    public void Random_programs_never_throw(string target, int count)
    {
        var run = For(target);
        Gen.Byte.Array[0, 600].Sample(bytes => run(bytes), iter: count, threads: 1, seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void The_stack_target_reaches_established_data_transfer()
    {
        // A program of well-formed in-order data segments and reads must get past the handshake: otherwise the
        // target would be fuzzing only the listener and the campaign's coverage would be an illusion.
        var program = new List<byte> { 1 };
        for (int i = 0; i < 20; i++)
            program.AddRange([0, TcpFlagsAck, 0, 0, 0, 0, 0xFF, 0xFF, 1, 0, 1, 1, 9]); // ACK at RCV.NXT, timestamps, 9 bytes
        StackTarget.Run(program.ToArray());
        Assert.True(StackTarget.LastRunBytesReceived > 0, "no byte reached the receive buffer");
    }

    private const byte TcpFlagsAck = 0x10;
}
