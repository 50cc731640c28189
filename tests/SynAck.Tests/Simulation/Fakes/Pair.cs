using SynAck.Simulation;
using SynAck.Wire;

namespace SynAck.Tests.Simulation.Fakes;

/// <summary>Two scripted hosts "a" (198.18.0.1) and "b" (198.18.0.2) joined by one link, with an event log.</summary>
internal sealed class Pair
{
    public static readonly IpAddress AddressA = IpAddress.V4(198, 18, 0, 1);
    public static readonly IpAddress AddressB = IpAddress.V4(198, 18, 0, 2);

    public Pair(LinkProfile aToB, LinkProfile? bToA = null, ulong seed = 1, bool echo = false, bool keepPackets = false)
    {
        Network = new Network(seed);
        A = new ScriptedHost();
        B = new ScriptedHost { Echo = echo };
        Network.AddHost("a", AddressA, A);
        Network.AddHost("b", AddressB, B);
        Network.Connect("a", "b", aToB, bToA ?? aToB);
        Log = new SimEventLog(keepPackets);
        Hash = new TraceHasher();
        Network.AddObserver(Log);
        Network.AddObserver(Hash);
    }

    public Network Network { get; }

    public ScriptedHost A { get; }

    public ScriptedHost B { get; }

    public SimEventLog Log { get; }

    public TraceHasher Hash { get; }

    public byte[] AToB(long tag, int length = 28) => RawPacket.V4(AddressA, AddressB, tag, length);

    public byte[] BToA(long tag, int length = 28) => RawPacket.V4(AddressB, AddressA, tag, length);
}
