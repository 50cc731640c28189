using System.Globalization;

namespace SynAck.TestSupport;

/// <summary>Runs <c>tshark -T fields</c> on a file and returns one row of field values per frame.</summary>
internal static class TsharkFields
{
    public static List<Dictionary<string, string>> Read(string file, string[] fields, params string[] extraOptions)
    {
        List<string> args = ["-n", "-r", file, .. extraOptions, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=f"];
        foreach (var f in fields)
            args.AddRange(["-e", f]);
        var (code, stdout, stderr) = ExternalProcess.Run(TimeSpan.FromSeconds(60), "tshark", [.. args]);
        Assert.True(code == 0, $"tshark failed ({code}): {stderr}");
        var rows = new List<Dictionary<string, string>>();
        foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var values = line.Split('\t');
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < fields.Length; i++)
                row[fields[i]] = i < values.Length ? values[i] : "";
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>tshark prints some numbers in hex ("0x0012"), others in decimal.</summary>
    public static long Number(string text)
        => text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture)
            : long.Parse(text, CultureInfo.InvariantCulture);

    /// <summary><c>frame.time_epoch</c> ("1700000000.123456789") as nanoseconds.</summary>
    public static long EpochNanoseconds(string text)
        => (long)(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture) * 1_000_000_000m);
}
