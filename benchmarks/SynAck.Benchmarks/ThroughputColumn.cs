using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SynAck.Benchmarks;

/// <summary>
/// A summary column with the bytes processed per nanosecond of mean time, taken from the
/// benchmark's integer parameter named <c>parameterName</c> (the buffer size).
/// </summary>
public sealed class ThroughputColumn(string parameterName) : IColumn
{
    public string Id => $"{nameof(ThroughputColumn)}.{parameterName}";

    public string ColumnName => "Bytes/ns";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => $"Throughput: {parameterName} bytes divided by the mean time in nanoseconds";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        object? size = benchmarkCase.Parameters[parameterName];
        if (stats is null || size is null || stats.Mean <= 0)
            return "NA";
        double bytes = Convert.ToDouble(size, CultureInfo.InvariantCulture);
        return (bytes / stats.Mean).ToString("0.00", CultureInfo.InvariantCulture);
    }

    public override string ToString() => ColumnName;
}
