using SharpFuzz;
using SynAck.Fuzz.Targets;

namespace SynAck.Fuzz;

/// <summary>
/// <c>SynAck.Fuzz TARGET</c> runs one fuzz target under AFL++ (SharpFuzz's persistent mode; see fuzz/run.sh);
/// <c>SynAck.Fuzz TARGET FILE|DIR...</c> runs inputs once each, as the regression tests do, and exits 1 if any throws.
/// </summary>
internal static class Program
{
    private static readonly Dictionary<string, FuzzTarget> Targets = new(StringComparer.Ordinal)
    {
        ["wire"] = WireTarget.Run,
        ["capture"] = CaptureTarget.Run,
        ["stack"] = StackTarget.Run,
    };

    private delegate void FuzzTarget(ReadOnlySpan<byte> data);

    private static int Main(string[] args)
    {
        if (args is ["corpus", var capture, var folder])
            return SeedCorpus.Write(capture, folder);
        if (args.Length == 0 || !Targets.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine("usage: SynAck.Fuzz " + string.Join("|", Targets.Keys) + " [FILE|DIR...]  |  SynAck.Fuzz corpus CAPTURE FOLDER");
            return 2;
        }
        if (args.Length == 1)
        {
            // AFL++'s persistent mode: one process, many inputs; each arrives as a stream.
            Fuzzer.Run(stream =>
            {
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                target(copy.GetBuffer().AsSpan(0, (int)copy.Length));
            });
            return 0;
        }
        int failed = 0, ran = 0;
        foreach (var path in args.Skip(1).SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p) : [p]))
        {
            ran++;
            try
            {
                target(File.ReadAllBytes(path));
            }
            catch (Exception e)
            {
                failed++;
                Console.Error.WriteLine($"{path}: {e.GetType().Name}: {e.Message}");
            }
        }
        Console.WriteLine($"{ran} inputs, {failed} failed");
        return failed == 0 ? 0 : 1;
    }
}
