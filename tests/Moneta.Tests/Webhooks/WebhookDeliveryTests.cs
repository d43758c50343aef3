using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Moneta.Organizations;
using Moneta.Tests.Support;

namespace Moneta.Tests.Webhooks;

/// <summary>Webhooks end to end: a real silo over loopback HTTP and a real receiver that verifies every signature.</summary>
public sealed class WebhookDeliveryTests
{
    /// <summary>Seconds instead of hours, so retries and dead deliveries happen within a test.</summary>
    private static readonly string[] QuickRetries = ["00:00:00", "00:00:00.2", "00:00:00.3", "00:00:00.5", "00:00:01", "00:00:01", "00:00:01", "00:00:01", "00:00:01", "00:00:01"];

    [Fact]
    public async Task Each_party_receives_a_verifiable_webhook_for_each_step_of_its_contract()
    {
        await using var cluster = await StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        await receiver.SubscribeAsync(scenario.Mo, "/mo");
        await receiver.SubscribeAsync(scenario.Publisher, "/publisher");

        var contract = await scenario.InitiateAsync();
        await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);
        var contractId = contract["contract_id"]!.GetValue<string>();

        await Eventually.TrueAsync(() => Task.FromResult(receiver.TypesAbout("/publisher", contractId).Count == 2 && receiver.TypesAbout("/mo", contractId).Count == 1),
            because: "three webhooks arrive");
        Assert.Equal(["contract.awaiting_signature", "contract.finalized"], receiver.TypesAbout("/publisher", contractId));
        Assert.Equal(["contract.finalized"], receiver.TypesAbout("/mo", contractId));
        var received = receiver.Accepted;
        Assert.All(received, r => Assert.True(r.Verified, $"{r.Type} to {r.Path} verifies"));

        var awaiting = received.First(r => r.Type == "contract.awaiting_signature").Body;
        Assert.Equal("publisher", awaiting["data"]!["awaiting_role"]!.GetValue<string>());
        Assert.Equal("pending_publisher_signature", awaiting["data"]!["contract"]!["status"]!.GetValue<string>());
        var finalized = received.First(r => r.Type == "contract.finalized");
        Assert.Equal(finalized.Id, finalized.Body["id"]!.GetValue<string>());
        Assert.NotNull(finalized.Body["timestamp"]);
        Assert.Equal(3, finalized.Body["data"]!["contract"]!["signatures_map"]!.AsObject().Count);
    }

    [Fact]
    public async Task An_event_no_endpoint_wants_is_not_announced_and_wakes_no_dispatcher()
    {
        await using var cluster = await StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        await receiver.SubscribeAsync(scenario.Publisher, "/publisher", "contract.finalized"); // the MO has no endpoint

        var contract = await scenario.InitiateAsync();
        await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);
        var contractId = contract["contract_id"]!.GetValue<string>();

        await Eventually.TrueAsync(() => Task.FromResult(receiver.TypesAbout("/publisher", contractId).Count == 1), because: "the finalized webhook arrives");
        var management = cluster.First.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        var dispatchers = (await management.GetSimpleGrainStatistics()).Where(s => s.GrainType.Contains("WebhookDispatcher", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        Assert.Equal(1, dispatchers); // the publisher's, for contract.finalized; nothing for the MO or for awaiting_signature
        Assert.Equal(["contract.finalized"], receiver.TypesAbout("/publisher", contractId));
    }

    [Fact]
    public async Task An_endpoint_created_while_a_contract_is_pending_hears_its_next_step()
    {
        await using var cluster = await StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        var contract = await scenario.InitiateAsync(); // no endpoint yet: nothing is announced
        var contractId = contract["contract_id"]!.GetValue<string>();

        // Both parties' standing was read when the contract began; the next step reads it again, endpoints included:
        // the publisher's by the front door (it signs), the MO's by the contract (the other party).
        await receiver.SubscribeAsync(scenario.Mo, "/mo", "contract.finalized");
        await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
        await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);

        await Eventually.TrueAsync(() => Task.FromResult(receiver.TypesAbout("/mo", contractId).Count == 1 && receiver.TypesAbout("/publisher", contractId).Count == 1),
            because: "both parties hear of the finalization");
        Assert.Equal(["contract.finalized"], receiver.TypesAbout("/publisher", contractId));
        Assert.Equal(["contract.finalized"], receiver.TypesAbout("/mo", contractId));
    }

    [Fact]
    public async Task An_endpoint_that_starts_taking_a_type_hears_it_from_the_next_step_on()
    {
        await using var cluster = await StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        var endpointId = await receiver.SubscribeAsync(scenario.Publisher, "/publisher", "contract.finalized");
        var before = await scenario.InitiateAsync();

        var endpointUrl = $"/api/v1/organizations/publisher/{scenario.Publisher.Id}/webhooks/{endpointId}";
        var types = new[] { "contract.awaiting_signature", "contract.finalized" };
        await Json.ReadAsync(await scenario.Publisher.Http.PutAsJsonAsync(endpointUrl, new { event_types = types }), HttpStatusCode.OK);
        var after = await scenario.InitiateAsync();
        await Json.ReadAsync(await scenario.PublisherSignsAsync(before), HttpStatusCode.OK);
        await Json.ReadAsync(await scenario.PublisherSignsAsync(after), HttpStatusCode.OK);

        var (beforeId, afterId) = (before["contract_id"]!.GetValue<string>(), after["contract_id"]!.GetValue<string>());
        await Eventually.TrueAsync(() => Task.FromResult(receiver.TypesAbout("/publisher", beforeId).Count == 1 && receiver.TypesAbout("/publisher", afterId).Count == 2),
            because: "three webhooks arrive");
        Assert.Equal(["contract.finalized"], receiver.TypesAbout("/publisher", beforeId));
        Assert.Equal(types, receiver.TypesAbout("/publisher", afterId));
    }

    [Fact]
    public async Task An_organization_stored_before_it_kept_its_webhook_interest_still_hears_its_contracts()
    {
        await using var cluster = await StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        await receiver.SubscribeAsync(scenario.Publisher, "/publisher");

        // The file as an earlier version left it: the organizations without webhook_interest, read again from storage.
        await using (var file = new SqliteConnection($"Data Source={Path.Combine(cluster.Directory.Path, "moneta.db")};Pooling=false"))
        {
            await file.OpenAsync();
            await using var strip = file.CreateCommand();
            strip.CommandText = "UPDATE grains SET data = CAST(json_remove(CAST(data AS TEXT), '$.webhook_interest') AS BLOB) WHERE grain_type = 'organization'";
            Assert.Equal(2, await strip.ExecuteNonQueryAsync());
        }

        var grains = cluster.First.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
        Assert.Null((await grains.GetGrain<IOrganizationGrain>(scenario.Publisher.Id).Find())!.WebhookInterest);

        var contract = await scenario.InitiateAsync();
        await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);
        var contractId = contract["contract_id"]!.GetValue<string>();
        await Eventually.TrueAsync(() => Task.FromResult(receiver.TypesAbout("/publisher", contractId).Count == 2), because: "both webhooks arrive");
        Assert.Equal(["contract.awaiting_signature", "contract.finalized"], receiver.TypesAbout("/publisher", contractId));
    }

    [Fact]
    public async Task A_webhook_continues_the_trace_of_the_request_that_caused_it()
    {
        await using var cluster = await StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
        var initiation = ActivityTraceId.CreateRandom();
        var signing = ActivityTraceId.CreateRandom();

        var contract = await Json.ReadAsync(await SendTracedAsync(scenario.Mo.Http, "/api/v1/contracts", scenario.Initiation(), initiation), HttpStatusCode.Created);
        var signature = new JsonObject { ["role"] = "publisher", ["signature"] = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract)) };
        await Json.ReadAsync(await SendTracedAsync(scenario.Publisher.Http, $"/api/v1/contracts/{contract["contract_id"]}/signatures", signature, signing), HttpStatusCode.OK);

        var contractId = contract["contract_id"]!.GetValue<string>();
        await Eventually.TrueAsync(() => Task.FromResult(receiver.TypesAbout("/publisher", contractId).Count == 2), because: "both webhooks arrive");
        Assert.Equal(initiation, TraceIdOf(receiver.Accepted.Single(r => r.Type == "contract.awaiting_signature")));
        Assert.Equal(signing, TraceIdOf(receiver.Accepted.Single(r => r.Type == "contract.finalized")));
    }

    private static Task<HttpResponseMessage> SendTracedAsync(HttpClient client, string path, JsonNode body, ActivityTraceId traceId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        return client.SendAsync(request);
    }

    private static ActivityTraceId TraceIdOf(ReceivedWebhook webhook)
    {
        Assert.True(ActivityContext.TryParse(webhook.TraceParent, null, out var context), $"{webhook.Type} carries a valid traceparent ('{webhook.TraceParent}')");
        return context.TraceId;
    }

    [Fact]
    public async Task A_receiver_that_was_down_gets_everything_in_per_contract_order_when_it_comes_back()
    {
        await using var cluster = await StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        var endpointId = await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
        await receiver.StopAsync();

        var contractIds = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var contract = await scenario.InitiateAsync();
            await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);
            contractIds.Add(contract["contract_id"]!.GetValue<string>());
        }

        await Eventually.TrueAsync(async () => (await DeliveriesAsync(scenario.Publisher, endpointId)).Any(d => d["attempts"]!.AsArray().Count > 1),
            because: "deliveries are retried while the receiver is down");
        await receiver.StartAgainAsync();

        await Eventually.TrueAsync(() => Task.FromResult(contractIds.All(id => receiver.TypesAbout("/publisher", id).Count == 2)), TimeSpan.FromSeconds(30), "every webhook arrives");
        foreach (var id in contractIds)
            Assert.Equal(["contract.awaiting_signature", "contract.finalized"], receiver.TypesAbout("/publisher", id));
        Assert.All(receiver.Accepted, r => Assert.True(r.Verified));

        var failedAttempt = (await DeliveriesAsync(scenario.Publisher, endpointId)).SelectMany(d => d["attempts"]!.AsArray()).First(a => a!["status_code"] is null);
        Assert.StartsWith("connection failed", failedAttempt!["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_that_fails_every_attempt_is_dead_and_is_delivered_when_redriven()
    {
        await using var cluster = await StartAsync(retries: ["00:00:00", "00:00:00.2"]);
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        var endpointId = await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
        receiver.Answer = _ => 500;

        var contract = await scenario.InitiateAsync();
        await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);
        await Eventually.TrueAsync(async () => (await DeliveriesAsync(scenario.Publisher, endpointId, "dead")).Count == 2, because: "both deliveries die");

        var dead = await DeliveriesAsync(scenario.Publisher, endpointId, "dead");
        Assert.All(dead, d => Assert.Equal([500, 500], d["attempts"]!.AsArray().Select(a => a!["status_code"]!.GetValue<int>())));
        receiver.Answer = _ => 200;

        var awaiting = dead.Single(d => d["event_type"]!.GetValue<string>() == "contract.awaiting_signature");
        var redriven = await scenario.Publisher.Http.PostAsync($"/api/v1/webhooks/deliveries/{awaiting["id"]}/redrive", null);
        Assert.Equal(HttpStatusCode.Accepted, redriven.StatusCode);
        await Eventually.TrueAsync(async () => (await DeliveriesAsync(scenario.Publisher, endpointId, "delivered")).Count == 1, because: "the redriven delivery arrives");

        var bulk = await Json.ReadAsync(await scenario.Publisher.Http.PostAsync($"/api/v1/organizations/publisher/{scenario.Publisher.Id}/webhooks/{endpointId}/redrive", null), HttpStatusCode.Accepted);
        Assert.Equal(1, bulk["redriven"]!.GetValue<int>());
        await Eventually.TrueAsync(async () => (await DeliveriesAsync(scenario.Publisher, endpointId, "delivered")).Count == 2, because: "the bulk redrive arrives");

        var delivered = (await DeliveriesAsync(scenario.Publisher, endpointId)).Single(d => d["id"]!.GetValue<string>() == awaiting["id"]!.GetValue<string>());
        Assert.Equal([500, 500, 200], delivered["attempts"]!.AsArray().Select(a => a!["status_code"]!.GetValue<int>()));
        Assert.Equal(2, receiver.Accepted.Count);
        Assert.All(receiver.Received, r => Assert.Equal(r.Id, receiver.Received.First(x => x.Type == r.Type).Id)); // every retry carries the same webhook-id
    }

    [Fact]
    public async Task An_endpoint_that_answers_410_Gone_is_disabled()
    {
        await using var cluster = await StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        var endpointId = await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
        await receiver.SubscribeAsync(scenario.Publisher, "/witness"); // a healthy endpoint of the same dispatcher
        receiver.Answer = context => context.Request.Path == "/publisher" ? 410 : 200;

        var contract = await scenario.InitiateAsync();
        var contractId = contract["contract_id"]!.GetValue<string>();
        var endpointUrl = $"/api/v1/organizations/publisher/{scenario.Publisher.Id}/webhooks/{endpointId}";
        await Eventually.TrueAsync(async () => (await Json.ReadAsync(await scenario.Publisher.Http.GetAsync(endpointUrl), HttpStatusCode.OK))["status"]!.GetValue<string>() == "disabled",
            because: "the endpoint is disabled");

        var endpoint = await Json.ReadAsync(await scenario.Publisher.Http.GetAsync(endpointUrl), HttpStatusCode.OK);
        Assert.Contains("410", endpoint["disabled_reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(await DeliveriesAsync(scenario.Publisher, endpointId, "dead"));

        // Nothing more is sent to a disabled endpoint. The witness hearing of the finalization shows that the
        // dispatcher has handled it (both endpoints in one turn); only then is the endpoint enabled again.
        await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);
        await Eventually.TrueAsync(() => Task.FromResult(receiver.TypesAbout("/witness", contractId).Contains("contract.finalized")), because: "the finalization is dispatched");
        var enabled = await Json.ReadAsync(await scenario.Publisher.Http.PutAsJsonAsync(endpointUrl, new { status = "enabled" }), HttpStatusCode.OK);
        Assert.Equal("enabled", enabled["status"]!.GetValue<string>());
        Assert.Single(receiver.Received, r => r.Path == "/publisher");
    }

    [Fact]
    public async Task During_a_secret_rotation_every_webhook_is_signed_with_both_secrets()
    {
        await using var cluster = await StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        var (endpointId, oldSecret) = await WebhookReceiver.CreateEndpointAsync(scenario.Publisher, receiver.Url("/publisher"));
        var endpointUrl = $"/api/v1/organizations/publisher/{scenario.Publisher.Id}/webhooks/{endpointId}";

        var rotated = await Json.ReadAsync(await scenario.Publisher.Http.PostAsJsonAsync($"{endpointUrl}/secret/rotate", new { overlap_seconds = 3600 }), HttpStatusCode.OK);
        var newSecret = rotated["secret"]!.GetValue<string>();
        Assert.NotEqual(oldSecret, newSecret);
        Assert.NotNull(rotated["endpoint"]!["previous_secret_expires_at"]);

        await scenario.InitiateAsync();
        await Eventually.TrueAsync(() => Task.FromResult(receiver.Received.Count == 1), because: "the webhook arrives");
        var duringOverlap = receiver.Received[0];
        Assert.Equal(2, duringOverlap.Signatures.Split(' ').Length);
        Assert.True(duringOverlap.VerifiesWith(oldSecret), "the old secret still verifies");
        Assert.True(duringOverlap.VerifiesWith(newSecret), "the new secret verifies");

        var withoutOverlap = await Json.ReadAsync(await scenario.Publisher.Http.PostAsJsonAsync($"{endpointUrl}/secret/rotate", new { overlap_seconds = 0 }), HttpStatusCode.OK);
        var latest = withoutOverlap["secret"]!.GetValue<string>();
        await scenario.InitiateAsync();
        await Eventually.TrueAsync(() => Task.FromResult(receiver.Received.Count == 2), because: "the second webhook arrives");
        Assert.Single(receiver.Received[1].Signatures.Split(' '));
        Assert.True(receiver.Received[1].VerifiesWith(latest));
        Assert.False(receiver.Received[1].VerifiesWith(newSecret));
    }

    [Fact]
    public async Task Redirects_are_not_followed()
    {
        await using var cluster = await StartAsync(retries: ["00:00:00"]);
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        var endpointId = await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
        receiver.Answer = _ => 302;

        await scenario.InitiateAsync();
        await Eventually.TrueAsync(async () => (await DeliveriesAsync(scenario.Publisher, endpointId, "dead")).Count == 1, because: "the redirected delivery fails");
        var attempt = (await DeliveriesAsync(scenario.Publisher, endpointId, "dead"))[0]["attempts"]![0]!;
        Assert.Equal(302, attempt["status_code"]!.GetValue<int>());
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Outside_development_private_addresses_are_refused_unless_allow_listed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using (var strict = await StartAsync(extra: new() { ["Moneta:Webhooks:AllowPrivateNetworks"] = "false" }))
        {
            var publisher = await TestPartner.RegisterAsync(strict.First, "publisher");
            foreach (var url in new[] { receiver.Url("/p"), "http://localhost/p", "http://10.1.2.3/p", "http://169.254.169.254/latest/meta-data", "http://[::1]/p" })
            {
                var refused = await publisher.Http.PostAsJsonAsync($"/api/v1/organizations/publisher/{publisher.Id}/webhooks", new { url });
                await Json.ProblemAsync(refused, HttpStatusCode.BadRequest, "webhook_url_not_allowed");
            }
        }

        await using var allowListed = await StartAsync(extra: new()
        {
            ["Moneta:Webhooks:AllowPrivateNetworks"] = "false",
            ["Moneta:Webhooks:AllowedHosts:0"] = "127.0.0.1",
        });
        var scenario = await ContractScenario.CreateAsync(allowListed.First);
        await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
        await scenario.InitiateAsync();
        await Eventually.TrueAsync(() => Task.FromResult(receiver.Accepted.Count == 1), because: "the allow-listed endpoint receives");
    }

    [Fact]
    public async Task Status_changes_of_an_organization_and_of_an_mPass_are_announced_to_the_organization_concerned()
    {
        await using var cluster = await StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        await receiver.SubscribeAsync(scenario.Mo, "/mo", "organization.status_changed", "mpass.status_changed");
        var admin = cluster.First.Admin;

        await Json.ReadAsync(await scenario.Mo.Http.PutAsJsonAsync($"/api/v1/mpass/{scenario.MpassId}/status", new { status = "suspended" }), HttpStatusCode.OK);
        await Json.ReadAsync(await admin.PutAsJsonAsync($"/api/v1/organizations/mo/{scenario.Mo.Id}/status", new { status = "suspended" }), HttpStatusCode.OK);

        await Eventually.TrueAsync(() => Task.FromResult(receiver.Accepted.Count == 2), because: "both changes are announced");
        var mpass = receiver.Accepted.Single(r => r.Type == "mpass.status_changed").Body["data"]!;
        Assert.Equal((scenario.MpassId, "active", "suspended"), (mpass["mpass_id"]!.GetValue<string>(), mpass["from"]!.GetValue<string>(), mpass["to"]!.GetValue<string>()));
        var organization = receiver.Accepted.Single(r => r.Type == "organization.status_changed").Body["data"]!;
        Assert.Equal((scenario.Mo.Id, "active", "suspended"), (organization["organization_id"]!.GetValue<string>(), organization["from"]!.GetValue<string>(), organization["to"]!.GetValue<string>()));
        Assert.All(receiver.Accepted, r => Assert.True(r.Verified));
    }

    [Fact]
    public async Task Endpoints_and_deliveries_of_another_organization_are_out_of_reach()
    {
        await using var cluster = await StartAsync();
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        var endpointId = await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
        await scenario.InitiateAsync();
        await Eventually.TrueAsync(async () => (await DeliveriesAsync(scenario.Publisher, endpointId, "delivered")).Count == 1, because: "the webhook is delivered");
        var deliveryId = (await DeliveriesAsync(scenario.Publisher, endpointId))[0]["id"]!.GetValue<string>();

        var mo = scenario.Mo.Http;
        await Json.ProblemAsync(await mo.GetAsync($"/api/v1/organizations/publisher/{scenario.Publisher.Id}/webhooks"), HttpStatusCode.Forbidden, "forbidden");
        await Json.ProblemAsync(await mo.GetAsync($"/api/v1/webhooks/deliveries?endpoint_id={endpointId}"), HttpStatusCode.NotFound, "webhook_endpoint_not_found");
        await Json.ProblemAsync(await mo.GetAsync($"/api/v1/webhooks/deliveries/{deliveryId}"), HttpStatusCode.NotFound, "webhook_delivery_not_found");
        await Json.ProblemAsync(await mo.PostAsync($"/api/v1/webhooks/deliveries/{deliveryId}/redrive", null), HttpStatusCode.NotFound, "webhook_delivery_not_found");
        Assert.Single(await DeliveriesAsync(cluster.First.Admin, endpointId));
    }

    [Theory]
    [InlineData("""{"url":"ftp://example.com/hook"}""", "invalid_webhook_url")]
    [InlineData("""{"url":"not a url"}""", "invalid_webhook_url")]
    [InlineData("""{"url":"https://user:pw@example.com/hook"}""", "invalid_webhook_url")]
    [InlineData("""{"url":"https://example.com/hook","event_types":["contract.signed"]}""", "unknown_event_type")]
    [InlineData("""{"url":"https://example.com/hook","unknown":1}""", "invalid_json")]
    [InlineData("""{"event_types":[]}""", "missing_field")]
    public async Task Invalid_endpoints_are_refused_and_nothing_is_registered(string body, string code)
    {
        await using var cluster = await StartAsync();
        var publisher = await TestPartner.RegisterAsync(cluster.First, "publisher");
        var webhooks = $"/api/v1/organizations/publisher/{publisher.Id}/webhooks";

        await Json.ProblemAsync(await publisher.Http.PostAsync(webhooks, Json.Raw(body)), HttpStatusCode.BadRequest, code);
        Assert.Empty((await Json.ReadAsync(await publisher.Http.GetAsync(webhooks), HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task An_organization_has_a_bounded_number_of_endpoints()
    {
        await using var cluster = await StartAsync(extra: new() { ["Moneta:Webhooks:MaxEndpointsPerOrganization"] = "2" });
        var publisher = await TestPartner.RegisterAsync(cluster.First, "publisher");
        await WebhookReceiver.CreateEndpointAsync(publisher, "https://example.com/a");
        var (second, _) = await WebhookReceiver.CreateEndpointAsync(publisher, "https://example.com/b");
        var webhooks = $"/api/v1/organizations/publisher/{publisher.Id}/webhooks";

        await Json.ProblemAsync(await publisher.Http.PostAsJsonAsync(webhooks, new { url = "https://example.com/c" }), HttpStatusCode.Conflict, "too_many_webhook_endpoints");
        Assert.Equal(HttpStatusCode.NoContent, (await publisher.Http.DeleteAsync($"{webhooks}/{second}")).StatusCode);
        await WebhookReceiver.CreateEndpointAsync(publisher, "https://example.com/c");
    }

    private static Task<SiloCluster> StartAsync(string[]? retries = null, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?> { ["Moneta:Runtime:MessagePollInterval"] = "00:00:00.1" };
        var schedule = retries ?? QuickRetries;
        for (var i = 0; i < schedule.Length; i++)
            settings[$"Moneta:Webhooks:RetrySchedule:{i}"] = schedule[i];
        foreach (var (key, value) in extra ?? [])
            settings[key] = value;
        return SiloCluster.StartAsync(settings: settings);
    }

    private static Task<List<JsonNode>> DeliveriesAsync(TestPartner partner, string endpointId, string? status = null) =>
        DeliveriesAsync(partner.Http, endpointId, status);

    private static async Task<List<JsonNode>> DeliveriesAsync(HttpClient client, string endpointId, string? status = null)
    {
        var query = status is null ? $"endpoint_id={endpointId}" : $"endpoint_id={endpointId}&status={status}";
        var page = await Json.ReadAsync(await client.GetAsync($"/api/v1/webhooks/deliveries?{query}"), HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(d => d!)];
    }
}
