using SynAck.Wire;

namespace SynAck.Drill.Run;

/// <summary>
/// One connection as the script sees it: its 4-tuple, and the offsets between script-relative and live sequence
/// numbers on both sides (packetdrill's local and remote ISN mapping), plus the TS val mapping for echoes.
/// </summary>
internal sealed class ScriptConnection
{
    public ScriptConnection(ushort localPort, ushort remotePort, uint remoteIsn)
    {
        LocalPort = localPort;
        RemotePort = remotePort;
        RemoteOffset = remoteIsn;
    }

    public ushort LocalPort { get; set; }

    public ushort RemotePort { get; }

    /// <summary>Live remote sequence number = script number + this (the script side's ISN is ours to choose).</summary>
    public uint RemoteOffset { get; }

    /// <summary>The script's sequence number of the remote SYN (the remote ISN): numbers of non-SYN packets count from it.</summary>
    public uint? RemoteIsnScript { get; set; }

    /// <summary>Live local sequence number = script number + this, known once the stack's SYN or SYN-ACK is seen.</summary>
    public uint? LocalOffset { get; set; }

    /// <summary>Script TS val → the live TS val the stack sent in its place.</summary>
    public Dictionary<uint, uint> TsValMap { get; } = [];

    public (uint Script, uint Live)? FirstTs { get; set; }

    /// <summary>The fd whose connection this is, once accept() or connect() tied it to one.</summary>
    public int Fd { get; set; } = -1;

    public uint LiveLocal(long script) => unchecked((uint)script + (LocalOffset ?? 0));

    public uint LiveRemote(long script, bool syn = false) => unchecked((uint)script + RemoteOffset + (syn ? 0 : RemoteIsnScript ?? 0));

    public uint ScriptLocal(uint live) => unchecked(live - (LocalOffset ?? 0));

    public uint ScriptRemote(uint live, bool syn = false) => unchecked(live - RemoteOffset - (syn ? 0 : RemoteIsnScript ?? 0));

    public bool Matches(SeenSegment s, IpAddress local, IpAddress remote)
        => s.SourcePort == LocalPort && s.DestinationPort == RemotePort && s.Source == local && s.Destination == remote;
}
