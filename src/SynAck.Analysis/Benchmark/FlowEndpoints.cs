using SynAck.Wire;

namespace SynAck.Analysis.Benchmark;

/// <summary>The 4-tuple of a generated connection.</summary>
internal readonly record struct FlowEndpoints(IpAddress Client, ushort ClientPort, IpAddress Server, ushort ServerPort);
