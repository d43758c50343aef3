using Moneta.Webhooks;

namespace Moneta.Tests.Webhooks;

public sealed class WebhookInterestTests
{
    [Fact]
    public void An_endpoint_without_a_filter_makes_the_organization_take_every_type()
    {
        var interest = WebhookInterest.Of([["contract.finalized"], []]);

        Assert.True(interest.AllTypes);
        Assert.True(interest.Covers("settlement.settled"));
    }

    [Fact]
    public void Filters_add_up_and_nothing_else_is_taken()
    {
        var interest = WebhookInterest.Of([["contract.finalized"], ["dispute.opened", "contract.finalized"]]);

        Assert.Equal(new WebhookInterest(false, ["contract.finalized", "dispute.opened"]), interest);
        Assert.True(interest.Covers("dispute.opened"));
        Assert.False(interest.Covers("contract.awaiting_signature"));
    }

    [Fact]
    public void No_endpoint_takes_nothing()
    {
        Assert.Equal(WebhookInterest.None, WebhookInterest.Of([]));
        Assert.False(WebhookInterest.None.Covers("contract.finalized"));
    }

    [Fact]
    public void A_union_of_interests_covers_both_and_the_union_of_none_stays_none()
    {
        var finalized = WebhookInterest.Of([["contract.finalized"]]);
        var opened = WebhookInterest.Of([["dispute.opened"]]);
        var both = finalized.Union(opened);

        Assert.True(both.Covers(finalized) && both.Covers(opened));
        Assert.False(finalized.Covers(both));
        Assert.Equal(WebhookInterest.None, WebhookInterest.None.Union(WebhookInterest.None));
        Assert.True(finalized.Union(WebhookInterest.Of([[]])).AllTypes);
        Assert.False(finalized.Covers(WebhookInterest.Of([[]])));
    }
}
