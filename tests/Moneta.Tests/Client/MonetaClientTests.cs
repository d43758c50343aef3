using System.Net;
using System.Text.Json.Nodes;
using Moneta.Client;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Client;

/// <summary>The .NET SDK against a real silo over loopback HTTP: the whole flow, paging, problems, retries and webhooks.</summary>
public sealed class MonetaClientTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task A_partner_takes_a_contract_from_nothing_to_finalized_and_verified_with_the_sdk_alone()
    {
        using var admin = Admin(Silo);
        using var moKey = SigningKey.Generate();
        using var publisherKey = SigningKey.Generate();
        var mo = await admin.Organizations.RegisterAsync("mo", new NewOrganization("SDK MO", [PublicJwk(moKey)], Mic: "SDK" + Guid.NewGuid().ToString("N")[..8]));
        var publisher = await admin.Organizations.RegisterAsync("publisher", new NewOrganization("SDK publisher", [PublicJwk(publisherKey)]));
        await admin.Organizations.ChangeStatusAsync("mo", mo.Id, "active");
        await admin.Organizations.ChangeStatusAsync("publisher", publisher.Id, "active");
        using var asMo = Partner(Silo, mo.Id, moKey);
        using var asPublisher = Partner(Silo, publisher.Id, publisherKey);

        var mpass = await asMo.MPasses.IssueAsync("gold");
        var initiated = await asMo.Contracts.InitiateAsync(new NewContract(publisher.Id, mpass.Id, new JsonObject { ["amount"] = "12.50", ["currency"] = "EUR" }));
        Assert.Equal("pending_publisher_signature", initiated.Status);
        var monetaKey = (await asPublisher.GetMonetaKeysAsync()).Single(k => k.Kid == initiated.SignaturesMap["moneta"].Kid);
        Assert.True(ContractSigning.Verify(initiated, "moneta", monetaKey));

        var finalized = await asPublisher.Contracts.SignAsync(initiated.ContractId);

        Assert.Equal("finalized", finalized.Status);
        Assert.True((await asPublisher.Contracts.VerifyAsync(finalized.ContractId)).Verified);
        Assert.True((await asMo.Contracts.GetAuditAsync(finalized.ContractId)).Verified);
    }

    [Fact]
    public async Task Lists_page_through_every_item_as_an_async_stream()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        for (var i = 0; i < 5; i++) await scenario.InitiateAsync();
        using var asMo = Partner(Silo, scenario.Mo.Id, scenario.Mo.Key);

        var contracts = await asMo.Contracts.ListAsync(new ContractQuery(MoId: scenario.Mo.Id, PageSize: 2)).ToListAsync();

        Assert.Equal(5, contracts.Count);
        Assert.Equal(contracts.OrderBy(c => c.CreatedAt).Select(c => c.ContractId), contracts.Select(c => c.ContractId));
    }

    [Fact]
    public async Task A_refusal_is_an_exception_with_its_code_and_a_bad_signature_shows_both_hashes()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        using var asMo = Partner(Silo, scenario.Mo.Id, scenario.Mo.Key);

        var notFound = await Assert.ThrowsAsync<MonetaProblemException>(() => asMo.Contracts.GetAsync("no-such-contract"));
        Assert.Equal("contract_not_found", notFound.Code);
        Assert.Equal(HttpStatusCode.NotFound, notFound.Status);

        // The publisher's view of the terms was altered on the way (12.50 read as 12.5): it signs over other bytes than Moneta verifies.
        var contract = await scenario.InitiateAsync();
        using var tampering = new TermsTampering();
        using var asPublisher = new MonetaClient(new MonetaClientOptions
        {
            BaseAddress = Silo.BaseAddress,
            OrganizationId = scenario.Publisher.Id,
            SigningKey = scenario.Publisher.Key,
            Handler = tampering,
        });
        var refused = await Assert.ThrowsAsync<MonetaProblemException>(() => asPublisher.Contracts.SignAsync(contract["contract_id"]!.GetValue<string>()));

        Assert.Equal("invalid_signature", refused.Code);
        var genuine = System.Text.Json.JsonSerializer.Deserialize<Contract>(contract.ToJsonString(), new System.Text.Json.JsonSerializerOptions { PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower })!;
        Assert.Equal(ContractSigning.Sha256(ContractSigning.SigningInput(genuine, "publisher", genuine.LastSignature)), refused.SigningInputSha256);
        Assert.NotNull(refused.LocalSigningInputSha256);
        Assert.NotEqual(refused.SigningInputSha256, refused.LocalSigningInputSha256);
        Assert.Contains(refused.LocalSigningInputSha256!, refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Changes the amount in contracts read from Moneta, as a partner's broken mapping layer might.</summary>
    private sealed class TermsTampering : DelegatingHandler
    {
        public TermsTampering() : base(new HttpClientHandler())
        {
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method != HttpMethod.Get || !request.RequestUri!.AbsolutePath.StartsWith("/api/v1/contracts/", StringComparison.Ordinal)) return response;
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Content = new StringContent(text.Replace("\"12.50\"", "\"12.5\"", StringComparison.Ordinal), System.Text.Encoding.UTF8, "application/json");
            return response;
        }
    }

    [Fact]
    public async Task A_throttled_write_is_retried_under_one_idempotency_key_and_creates_one_mpass()
    {
        await using var cluster = await SiloCluster.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Moneta:RateLimits:PerOrganization:PermitLimit"] = "3",
            ["Moneta:RateLimits:PerOrganization:Window"] = "00:00:01",
        });
        var mo = await TestPartner.RegisterAsync(cluster.First, "mo");
        // Nine writes at three a second all retry after the same Retry-After, so the last needs at least three windows;
        // on a busy machine the windows slip and four attempts (the default) were sometimes one too few.
        using var asMo = new MonetaClient(new MonetaClientOptions { BaseAddress = cluster.First.BaseAddress, OrganizationId = mo.Id, SigningKey = mo.Key, MaxAttempts = 10 });

        // Far more writes than the limit allows in a window: each one waits out its 429s and lands once.
        var issued = await Task.WhenAll(Enumerable.Range(0, 9).Select(_ => asMo.MPasses.IssueAsync("gold")));
        var listed = await asMo.MPasses.ListAsync().ToListAsync();

        Assert.Equal(9, issued.Select(m => m.Id).Distinct().Count());
        Assert.Equal(issued.Select(m => m.Id).Order(), listed.Select(m => m.Id).Order());
    }

    [Fact]
    public async Task A_given_idempotency_key_makes_a_repeated_call_return_the_first_answer()
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        using var asMo = Partner(Silo, mo.Id, mo.Key);
        var key = Guid.NewGuid().ToString();

        var first = await asMo.MPasses.IssueAsync("gold", idempotencyKey: key);
        var again = await asMo.MPasses.IssueAsync("gold", idempotencyKey: key);

        Assert.Equal(first, again);
        Assert.Single(await asMo.MPasses.ListAsync().ToListAsync());
    }

    [Fact]
    public async Task Webhooks_sent_by_moneta_verify_with_the_sdk_and_a_forged_one_does_not()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        using var asMo = Partner(Silo, mo.Id, mo.Key);
        var endpoint = await asMo.Webhooks.CreateEndpointAsync("mo", mo.Id, new Uri(receiver.Url("/sdk")));

        var sent = await asMo.Webhooks.SendTestAsync("mo", mo.Id, endpoint.Endpoint.Id);
        await Eventually.TrueAsync(() => Task.FromResult(receiver.Received.Any(w => w.Id == sent.EventId)), because: "the test event arrives");

        var webhook = receiver.Received.First(w => w.Id == sent.EventId);
        var verifier = new MonetaWebhooks(endpoint.Secret);
        var body = System.Text.Encoding.UTF8.GetString(webhook.RawBody);
        var verified = verifier.Verify(body, webhook.Id, webhook.Timestamp, webhook.Signatures);
        Assert.Equal("webhook.test", verified.Type);
        Assert.Equal(endpoint.Endpoint.Id, verified.Data.GetProperty("endpoint_id").GetString());
        Assert.ThrowsAny<Exception>(() => verifier.Verify(body.Replace("webhook.test", "contract.finalized", StringComparison.Ordinal), webhook.Id, webhook.Timestamp, webhook.Signatures));
        Assert.ThrowsAny<Exception>(() => new MonetaWebhooks(WebhookSignature.GenerateSecret()).Verify(body, webhook.Id, webhook.Timestamp, webhook.Signatures));
        var delivery = await asMo.Webhooks.GetDeliveryAsync(sent.DeliveryId);
        Assert.Equal("webhook.test", delivery.EventType);
    }

    [Fact]
    public async Task An_expired_token_is_renewed_once_and_the_call_goes_through()
    {
        await using var cluster = await SiloCluster.StartAsync();
        var mo = await TestPartner.RegisterAsync(cluster.First, "mo");
        using var asMo = Partner(cluster.First, mo.Id, mo.Key);
        using var admin = Admin(cluster.First);
        await asMo.MPasses.IssueAsync("gold");

        // Moneta's clock moves an hour on: the cached token has expired for Moneta, though not by this client's clock.
        await admin.Sandbox.AdvanceClockAsync(TimeSpan.FromHours(1));

        Assert.Single(await asMo.MPasses.ListAsync().ToListAsync());
    }

    private static MonetaClient Admin(TestSilo silo) => new(new MonetaClientOptions { BaseAddress = silo.BaseAddress, AdminToken = TestSilo.AdminToken });

    private static MonetaClient Partner(TestSilo silo, string organizationId, SigningKey key) =>
        new(new MonetaClientOptions { BaseAddress = silo.BaseAddress, OrganizationId = organizationId, SigningKey = key });

    private static JsonObject PublicJwk(SigningKey key) => key.PublicKey.ToPublicJwk();
}
