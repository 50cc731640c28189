using SynAck.Analysis.Conversations;
using SynAck.Wire;

namespace SynAck.Analysis.Tests.Conversations;

/// <summary>The published test vectors of the Community ID spec (baseline_deflt.json and baseline_seed1.json), both directions.</summary>
public sealed class CommunityIdTests
{
    [Theory]
    [InlineData("128.232.110.120", 34855, "66.35.250.204", 80, 6, 0, "1:LQU9qZlK+B5F3KDmev6m5PMibrg=")]
    [InlineData("2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, "2607:f8b0:400c:c03::1a", 25, 6, 0, "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=")]
    [InlineData("192.168.1.52", 54585, "8.8.8.8", 53, 17, 0, "1:d/FP5EW3wiY1vCndhwleRRKHowQ=")]
    [InlineData("192.168.170.8", 7, "192.168.170.56", 7, 132, 0, "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=")]
    [InlineData("128.232.110.120", 34855, "66.35.250.204", 80, 6, 1, "1:3V71V58M3Ksw/yuFALMcW0LAHvc=")]
    [InlineData("2001:470:e5bf:dead:4957:2174:e82c:4887", 63943, "2607:f8b0:400c:c03::1a", 25, 6, 1, "1:eJYTW6AOzFLlSUoESovMjnu7rMw=")]
    [InlineData("192.168.1.52", 54585, "8.8.8.8", 53, 17, 1, "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=")]
    public void Equals_the_specs_baseline_in_both_directions(string a, int aPort, string b, int bPort, int protocol, int seed, string expected)
    {
        var x = IpAddress.Parse(a);
        var y = IpAddress.Parse(b);
        Assert.Equal(expected, CommunityId.Compute(x, (ushort)aPort, y, (ushort)bPort, (byte)protocol, (ushort)seed));
        Assert.Equal(expected, CommunityId.Compute(y, (ushort)bPort, x, (ushort)aPort, (byte)protocol, (ushort)seed));
    }
}
