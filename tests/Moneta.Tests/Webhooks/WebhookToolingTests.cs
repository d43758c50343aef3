using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moneta.Tests.Support;

namespace Moneta.Tests.Webhooks;

/// <summary>A test event sent on request, and a pending delivery retried now instead of at its scheduled time.</summary>
public sealed class WebhookToolingTests
{
    [Fact]
    public async Task A_test_event_reaches_the_one_endpoint_asked_for_signed_through_the_normal_delivery_path()
    {
        await using var cluster = await SiloCluster.StartAsync(settings: new Dictionary<string, string?> { ["Moneta:Runtime:MessagePollInterval"] = "00:00:00.1" });
        await using var receiver = await WebhookReceiver.StartAsync();
        var mo = await TestPartner.RegisterAsync(cluster.First, "mo");
        // Subscribed to another type: a test is sent whatever the endpoint's event_types.
        var tested = await receiver.SubscribeAsync(mo, "/tested", "contract.finalized");
        await receiver.SubscribeAsync(mo, "/other");

        var sent = await Json.ReadAsync(await mo.Http.PostAsync($"/api/v1/organizations/mo/{mo.Id}/webhooks/{tested}/test", null), HttpStatusCode.Accepted);

        var deliveryId = sent["delivery_id"]!.GetValue<string>();
        await Eventually.TrueAsync(() => Task.FromResult(receiver.Accepted.Any(w => w.Type == "webhook.test")), because: "the test event is delivered");
        var webhook = Assert.Single(receiver.Received, w => w.Type == "webhook.test");
        Assert.Equal("/tested", webhook.Path);
        Assert.Equal(sent["event_id"]!.GetValue<string>(), webhook.Id);
        Assert.Equal(tested, webhook.Body["data"]!["endpoint_id"]!.GetValue<string>());
        receiver.AssertAllVerifiedAndOneIdPerEvent();
        await Eventually.TrueAsync(async () =>
            (await Json.ReadAsync(await mo.Http.GetAsync($"/api/v1/webhooks/deliveries/{deliveryId}"), HttpStatusCode.OK))["status"]!.GetValue<string>() == "delivered",
            because: "the delivery is on record like any other");
    }

    [Fact]
    public async Task A_disabled_endpoint_is_not_tested()
    {
        await using var cluster = await SiloCluster.StartAsync();
        var mo = await TestPartner.RegisterAsync(cluster.First, "mo");
        var (endpointId, _) = await WebhookReceiver.CreateEndpointAsync(mo, "https://example.com/hooks");
        await Json.ReadAsync(await mo.Http.PutAsJsonAsync($"/api/v1/organizations/mo/{mo.Id}/webhooks/{endpointId}", new { status = "disabled" }), HttpStatusCode.OK);

        await Json.ProblemAsync(await mo.Http.PostAsync($"/api/v1/organizations/mo/{mo.Id}/webhooks/{endpointId}/test", null), HttpStatusCode.Conflict, "webhook_endpoint_disabled");
    }

    [Fact]
    public async Task A_pending_delivery_is_retried_now_instead_of_in_an_hour()
    {
        // The second attempt is an hour after the first: only "retry now" can deliver within the test.
        await using var cluster = await SiloCluster.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Moneta:Runtime:MessagePollInterval"] = "00:00:00.1",
            ["Moneta:Webhooks:RetrySchedule:0"] = "00:00:00",
            ["Moneta:Webhooks:RetrySchedule:1"] = "01:00:00",
        });
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = _ => 503;
        var mo = await TestPartner.RegisterAsync(cluster.First, "mo");
        var endpointId = await receiver.SubscribeAsync(mo, "/hooks");
        var deliveryId = (await Json.ReadAsync(await mo.Http.PostAsync($"/api/v1/organizations/mo/{mo.Id}/webhooks/{endpointId}/test", null), HttpStatusCode.Accepted))["delivery_id"]!.GetValue<string>();
        await Eventually.TrueAsync(async () => (await DeliveryAsync(mo, deliveryId))?["attempts"]?.AsArray().Count == 1, because: "the first attempt fails");
        Assert.Equal("pending", (await DeliveryAsync(mo, deliveryId))!["status"]!.GetValue<string>());

        receiver.Answer = _ => 200;
        var retried = await Json.ReadAsync(await mo.Http.PostAsync($"/api/v1/webhooks/deliveries/{deliveryId}/retry", null), HttpStatusCode.Accepted);

        Assert.Equal("delivered", retried["status"]!.GetValue<string>());
        Assert.Equal(2, retried["attempts"]!.AsArray().Count);
        Assert.Equal(2, receiver.Received.Count(w => w.Type == "webhook.test"));
        await Json.ProblemAsync(await mo.Http.PostAsync($"/api/v1/webhooks/deliveries/{deliveryId}/retry", null), HttpStatusCode.Conflict, "delivery_not_pending");
    }

    private static async Task<JsonNode?> DeliveryAsync(TestPartner partner, string deliveryId)
    {
        var response = await partner.Http.GetAsync($"/api/v1/webhooks/deliveries/{deliveryId}");
        return response.StatusCode == HttpStatusCode.OK ? await Json.ReadAsync(response, HttpStatusCode.OK) : null;
    }
}
