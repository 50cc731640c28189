using System.Runtime.InteropServices;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// The machine a benchmark ran on, as performance.md asks it printed: CPU model, cores, OS, .NET; and the load average
/// when the results were written, because on a shared machine wall-clock figures mean little without it.
/// </summary>
internal sealed record MachineInfo(string Cpu, int Cores, string Os, string Dotnet, string? LoadAverage)
{
    public static MachineInfo Current => new(CpuModel(), Environment.ProcessorCount, RuntimeInformation.OSDescription,
        Environment.Version.ToString(), ReadLoadAverage());

    public override string ToString()
        => $"{Cpu}, {Cores} cores, {Os}, .NET {Dotnet}" + (LoadAverage is null ? "" : $", load average {LoadAverage} (1, 5, 15 min)");

    private static string? ReadLoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return fields.Length >= 3 ? string.Join(' ', fields[..3]) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

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
