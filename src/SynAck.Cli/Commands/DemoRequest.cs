namespace SynAck.Cli.Commands;

/// <summary>The demo's switches after parsing.</summary>
internal sealed record DemoRequest(string? Scenario, bool List = false, ulong Seed = 1, double Loss = 0, double RttMs = 20, double MslSeconds = 30,
    string? WhatIf = null, string? PcapPath = null, string? SvgPath = null, bool Json = false, bool Ascii = false);
