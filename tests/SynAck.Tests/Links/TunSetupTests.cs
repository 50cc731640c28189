using SynAck.Links;

namespace SynAck.Tests.Links;

/// <summary>Argument checks that happen before any device is touched (no root needed).</summary>
public sealed class TunSetupTests
{
    [Theory]
    [InlineData("has space")]
    [InlineData("../etc")]
    [InlineData("")]
    public void NamespaceNameMustBeSafe(string name)
        => Assert.Throws<ArgumentException>(() => new TunSetup { Namespace = name }.Open());

    [Theory]
    [InlineData("198.18.0.1")]
    [InlineData("198.18.0.1/33")]
    [InlineData("2001:2::1/129")]
    [InlineData("not-an-address/24")]
    [InlineData("198.18.0.1/-1")]
    public void KernelAddressNeedsAValidPrefix(string cidr)
        => Assert.Throws<ArgumentException>(() => new TunSetup { Namespace = "synack-x", KernelAddresses = [cidr] }.Open());

    [Theory]
    [InlineData("sixteen-bytes-xx")]
    [InlineData("a/b")]
    public void DeviceNameMustFitInIfNameSize(string name)
        => Assert.Throws<ArgumentException>(() => TunLink.Open(name));

    [Theory]
    [InlineData(67)]
    [InlineData(65536)]
    [InlineData(-1)]
    public void MtuOutOfRangeIsRejected(int mtu)
        => Assert.Throws<ArgumentOutOfRangeException>(() => TunLink.Open("synack-t", mtu));
}
