namespace SynAck.Analysis.Tests.Benchmark;

/// <summary>Runs <see cref="BenchSuiteCommandTests"/> with no other test at the same time (heap figures are process-wide).</summary>
[CollectionDefinition(nameof(BenchSuiteCommandTests), DisableParallelization = true)]
public sealed class BenchSuiteCollection;
