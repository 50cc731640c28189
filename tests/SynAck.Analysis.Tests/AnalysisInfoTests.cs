using SynAck.Analysis;

namespace SynAck.Analysis.Tests;

public sealed class AnalysisInfoTests
{
    [Fact]
    public void TheAnalysisAssemblyIsNamed() => Assert.Equal("SynAck.Analysis", AnalysisInfo.Name);
}
