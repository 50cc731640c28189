using System.Runtime.InteropServices;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>The machine a benchmark ran on, as performance.md asks it printed: CPU model, cores, OS, .NET.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Os, string Dotnet)
{
    public static MachineInfo Current { get; } = new(CpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription,
        Environment.Version.ToString());

    public override string ToString() => $"{Cpu}, {Cores} cores, {Os}, .NET {Dotnet}";

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon)
                        return line[(colon + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
        }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }
}
