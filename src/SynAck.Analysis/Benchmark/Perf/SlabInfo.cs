using System.Globalization;

namespace SynAck.Analysis.Benchmark.Perf;

/// <summary>
/// The kernel's object sizes for TCP sockets: read from <c>/proc/slabinfo</c> (root only) when it can be, else the
/// figure performance.md cites, marked as cited.
/// </summary>
internal static class SlabInfo
{
    /// <summary>The size of one <paramref name="cache"/> object, and where the figure comes from.</summary>
    public static (double Bytes, string Source) ObjectSize(string cache, double documented, string documentedSource)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/slabinfo"))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 3 && fields[0] == cache && double.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                    return (size, $"/proc/slabinfo {cache} objsize on this machine");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return (documented, $"cited, not measured: {documentedSource}");
    }
}
