using SynAck.Analysis.Conversations;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>What tshark (two-pass, so completeness is final on every frame) says about each TCP frame of a capture.</summary>
internal sealed record TsharkFrame(long Frame, long Stream, int Completeness, TcpExpertFlags Flags);
