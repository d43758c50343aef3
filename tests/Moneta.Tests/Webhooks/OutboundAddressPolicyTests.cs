using System.Net;
using Moneta.Grains.Webhooks;
using Moneta.Tests.Support;
using Moneta.Webhooks;

namespace Moneta.Tests.Webhooks;

public sealed class OutboundAddressPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.0.0.5")]
    [InlineData("172.31.255.1")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    public void Private_loopback_and_link_local_addresses_are_refused(string address) =>
        Assert.False(new OutboundAddressPolicy(new WebhookOptions()).IsAllowed(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700::1111")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(new OutboundAddressPolicy(new WebhookOptions()).IsAllowed(IPAddress.Parse(address)));

    [Fact]
    public void Allow_listed_networks_and_hosts_pass()
    {
        var policy = new OutboundAddressPolicy(new WebhookOptions { AllowedNetworks = ["10.20.0.0/16"], AllowedHosts = ["hooks.internal"] });

        Assert.True(policy.IsAllowed(IPAddress.Parse("10.20.3.4")));
        Assert.False(policy.IsAllowed(IPAddress.Parse("10.21.3.4")));
        Assert.Null(policy.RefusalFor(new Uri("http://hooks.internal/x")));
        Assert.NotNull(policy.RefusalFor(new Uri("http://localhost/x")));
    }

    [Fact]
    public async Task A_name_that_resolves_to_a_private_address_is_refused_when_connecting()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var options = new WebhookOptions();
        using var sender = new WebhookSender(options, new OutboundAddressPolicy(options), TimeProvider.System);
        var target = new WebhookTarget("e", $"http://localhost:{receiver.Port}/hook", [], true, ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);

        var result = await sender.SendAsync(target, "msg", "{}"u8.ToArray());

        Assert.Null(result.StatusCode);
        Assert.Contains("not public", result.Error, StringComparison.Ordinal);
        Assert.Empty(receiver.Received);
    }
}
