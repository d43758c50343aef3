using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Moneta.Api.Auth;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>
/// Every row of <see cref="AuthorizationMatrix"/> against every kind of caller, through real HTTP: an allowed
/// caller's request succeeds (2xx), every other caller is refused with 401, 403 or 404 and a refusal code.
/// An endpoint without a row (or a row without a request sample here) fails the suite.
/// </summary>
public sealed class AuthorizationMatrixTests(AuthorizationMatrixTests.MatrixSilo fixture) : IClassFixture<AuthorizationMatrixTests.MatrixSilo>
{
    private static readonly string[] RefusalCodes =
        ["forbidden", "not_initiator", "role_not_yours", "contract_not_found", "mpass_not_found", "organization_not_found", "webhook_endpoint_not_found", "webhook_delivery_not_found", "settlement_not_found"];

    private TestSilo Silo => fixture.Silo;

    public static TheoryData<string, string, CallerKinds> Cases()
    {
        var cases = new TheoryData<string, string, CallerKinds>();
        foreach (var rule in AuthorizationMatrix.Rules)
        {
            foreach (var caller in SingleKinds)
                cases.Add(rule.Method, rule.Route, caller);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_caller_kind_is_allowed_or_refused_as_the_matrix_says(string method, string route, CallerKinds caller)
    {
        var rule = AuthorizationMatrix.Rules.Single(r => r.Method == method && r.Route == route);
        var world = await World.CreateAsync(Silo);
        if (route.Contains("webhooks", StringComparison.Ordinal)) await world.AddWebhookAsync();
        if (route.Contains("settlements", StringComparison.Ordinal) || route.EndsWith("/disputes", StringComparison.Ordinal)) await world.AddSettlementAsync(close: false);
        if (route.EndsWith("/signatures", StringComparison.Ordinal) || route.EndsWith("/rejection", StringComparison.Ordinal)) await world.AddSettlementAsync(close: true);
        var client = await world.ClientAsync(caller, rule);

        using var request = RequestSamples.All[$"{method} {route}"](world);
        // Headers first: an allowed answer may be a stream that never ends (the dashboard's log stream).
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var status = (int)response.StatusCode;
        if (rule.Allowed.HasFlag(caller))
        {
            Assert.True(status is >= 200 and < 300, $"{caller} on {method} {route}: {status}");
            return;
        }

        var text = await response.Content.ReadAsStringAsync();
        var because = $"{caller} on {method} {route}: {status} {text}";

        var code = JsonNode.Parse(text)?["code"]?.GetValue<string>();
        switch (caller)
        {
            case CallerKinds.Anonymous:
                Assert.True(status == 401 && code == "unauthenticated", because);
                break;
            case CallerKinds.Suspended:
                Assert.True(status == 403 && code == "organization_not_active", because);
                break;
            default:
                Assert.True(status is 403 or 404 && RefusalCodes.Contains(code), because);
                break;
        }
    }

    [Fact]
    public void Every_mapped_endpoint_has_a_row_in_the_authorization_matrix()
    {
        var mapped = MappedEndpoints();
        var rows = AuthorizationMatrix.Rules.Select(r => $"{r.Method} {r.Route}").ToHashSet();

        Assert.Empty(mapped.Except(rows));
        Assert.Empty(rows.Except(mapped));
        Assert.Equal(rows.Count, AuthorizationMatrix.Rules.Count);
    }

    [Fact]
    public void Every_row_has_a_request_sample_to_test_it_with()
    {
        var rows = AuthorizationMatrix.Rules.Select(r => $"{r.Method} {r.Route}");

        Assert.Empty(rows.Except(RequestSamples.All.Keys));
    }

    [Fact]
    public void Docs_security_md_shows_every_row_of_the_matrix_as_the_code_has_it()
    {
        var document = Repository.ReadFile("docs", "security.md");
        CallerKinds[] columns = [CallerKinds.Admin, CallerKinds.Mo, CallerKinds.Publisher, CallerKinds.Unrelated, CallerKinds.Suspended, CallerKinds.Anonymous];

        Assert.All(AuthorizationMatrix.Rules, rule =>
            Assert.Contains($"| {rule.Method} | `{rule.Route}` | {string.Join(" | ", columns.Select(c => rule.Allowed.HasFlag(c) ? "✔" : "—"))} | {rule.Why} |", document, StringComparison.Ordinal));
    }

    private static readonly CallerKinds[] SingleKinds =
        [CallerKinds.Anonymous, CallerKinds.Admin, CallerKinds.Mo, CallerKinds.Publisher, CallerKinds.Unrelated, CallerKinds.Suspended];

    private HashSet<string> MappedEndpoints() =>
        ((IEndpointRouteBuilder)Silo.App).DataSources
            .SelectMany(source => source.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} {endpoint.RoutePattern.RawText}"))
            .ToHashSet();

    /// <summary>An MO and a publisher with an mPass and a contract waiting for the publisher, plus an unrelated MO.</summary>
    public sealed class World
    {
        private World(TestSilo silo, ContractScenario scenario, TestPartner unrelated, JsonNode contract)
        {
            Silo = silo;
            Scenario = scenario;
            Unrelated = unrelated;
            Contract = contract;
        }

        public TestSilo Silo { get; }

        public ContractScenario Scenario { get; }

        public TestPartner Mo => Scenario.Mo;

        public TestPartner Publisher => Scenario.Publisher;

        public TestPartner Unrelated { get; }

        public JsonNode Contract { get; }

        public string ContractId => Contract["contract_id"]!.GetValue<string>();

        /// <summary>The MO's webhook endpoint (set by <see cref="AddWebhookAsync"/>), and a delivery to it.</summary>
        public string EndpointId { get; private set; } = "";

        public string DeliveryId { get; private set; } = "";

        /// <summary>
        /// The MO registers an endpoint (nothing listens there, so the delivery stays pending and is retried) and
        /// voids a second contract, whose contract.voided event makes a delivery to it.
        /// </summary>
        public async Task AddWebhookAsync()
        {
            var created = await Json.ReadAsync(await Mo.Http.PostAsJsonAsync($"/api/v1/organizations/mo/{Mo.Id}/webhooks", new { url = "http://127.0.0.1:9/matrix" }), HttpStatusCode.Created);
            EndpointId = created["endpoint"]!["id"]!.GetValue<string>();
            var voided = await Scenario.InitiateAsync();
            await Json.ReadAsync(await Mo.Http.PostAsync($"/api/v1/contracts/{voided["contract_id"]}/void", null), HttpStatusCode.OK);
            await Eventually.TrueAsync(async () =>
            {
                var page = await Json.ReadAsync(await Mo.Http.GetAsync($"/api/v1/webhooks/deliveries?endpoint_id={EndpointId}"), HttpStatusCode.OK);
                DeliveryId = page["items"]!.AsArray().FirstOrDefault()?["id"]?.GetValue<string>() ?? "";
                return DeliveryId.Length > 0;
            }, because: "the voided contract makes a delivery to the MO's endpoint");
        }

        public static async Task<World> CreateAsync(TestSilo silo)
        {
            var scenario = await ContractScenario.CreateAsync(silo);
            var unrelated = await TestPartner.RegisterAsync(silo, "mo");
            var cluster = await Json.ReadAsync(await silo.Admin.GetAsync("/api/v1/admin/cluster"), HttpStatusCode.OK);
            return new World(silo, scenario, unrelated, await scenario.InitiateAsync())
            {
                SiloAddress = cluster["silos"]![0]!["address"]!.GetValue<string>(),
            };
        }

        /// <summary>The silo's address as Orleans writes it (ip:port@generation), which the dashboard's silo pages take.</summary>
        public string SiloAddress { get; private init; } = "";

        /// <summary>
        /// Settlement terms, a finalized charge in the open batch (<see cref="BatchId"/>) and, when asked to close it,
        /// the batch's settlement contract waiting for the MO (<see cref="Statement"/>).
        /// </summary>
        public async Task AddSettlementAsync(bool close)
        {
            var pair = new SettlementScenario(Silo, Scenario);
            await pair.AgreeTermsAsync(minimumPayout: "0");
            Charge = await pair.ChargeAsync();
            BatchId = (await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 1), "the charge is in the open batch"))["batch_id"]!.GetValue<string>();
            if (!close) return;
            await Json.ReadAsync(await pair.CloseEarlyAsync(Mo), HttpStatusCode.Accepted);
            var closed = await pair.WaitForBatchAsync(b => b["settlement_contract_id"] is not null, "the batch has its settlement contract");
            Statement = await SettlementScenario.StatementAsync(Mo, closed);
        }

        public JsonNode? Charge { get; private set; }

        public string BatchId { get; private set; } = "";

        public JsonNode? Statement { get; private set; }

        /// <summary>Who sends the request: a step is signed by the party whose turn it is in a contract the World holds for it.</summary>
        public CallerKinds Caller { get; private set; }

        /// <summary>The contract the caller signs or rejects at its turn, and the role it does so in.</summary>
        public (JsonNode Contract, string Role) Turn => Caller == CallerKinds.Mo && Statement is not null ? (Statement, "mo") : (Contract, "publisher");

        /// <summary>The suspended caller is the party the rule would allow, so its refusal is due to the suspension alone.</summary>
        public async Task<HttpClient> ClientAsync(CallerKinds caller, AuthorizationRule rule)
        {
            Caller = caller;
            switch (caller)
            {
                case CallerKinds.Anonymous: return Silo.Anonymous;
                case CallerKinds.Admin: return Silo.Admin;
                case CallerKinds.Mo: return Mo.Http;
                case CallerKinds.Publisher: return Publisher.Http;
                case CallerKinds.Unrelated: return Unrelated.Http;
                default:
                    var party = !rule.Allowed.HasFlag(CallerKinds.Mo) && rule.Allowed.HasFlag(CallerKinds.Publisher) ? Publisher : Mo;
                    await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync($"/api/v1/organizations/{party.Kind}/{party.Id}/status", new { status = "suspended" }), HttpStatusCode.OK);
                    return party.Http;
            }
        }
    }

    /// <summary>For each row, a request that succeeds when an allowed caller sends it.</summary>
    private static class RequestSamples
    {
        public static readonly Dictionary<string, Func<World, HttpRequestMessage>> All = new()
        {
            ["GET /health"] = _ => Get("/health"),
            ["GET /openapi/v1.json"] = _ => Get("/openapi/v1.json"),
            ["GET /docs/{documentName?}"] = _ => Get("/docs"),
            ["GET /docs/scalar.js"] = _ => Get("/docs/scalar.js"),
            ["GET /docs/scalar.aspnetcore.js"] = _ => Get("/docs/scalar.aspnetcore.js"),
            ["GET /docs/favicon.svg"] = _ => Get("/docs/favicon.svg"),
            ["GET /.well-known/openid-configuration"] = _ => Get("/.well-known/openid-configuration"),
            ["GET /.well-known/jwks.json"] = _ => Get("/.well-known/jwks.json"),
            ["POST /api/v1/auth/token"] = w => new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token")
            {
                Content = new FormUrlEncodedContent(new Dictionary<string, string>
                {
                    ["grant_type"] = "client_credentials",
                    ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ["client_assertion"] = w.Unrelated.CreateAssertion(),
                }),
            },

            ["GET /operators/sign-in"] = _ => Get("/operators/sign-in"),
            ["POST /operators/session"] = _ => Send(HttpMethod.Post, "/operators/session", new JsonObject { ["token"] = TestSilo.AdminToken }),
            ["DELETE /operators/session"] = _ => new HttpRequestMessage(HttpMethod.Delete, "/operators/session"),
            ["GET /api/v1/admin/cluster"] = _ => Get("/api/v1/admin/cluster"),
            ["GET /metrics"] = _ => Get("/metrics"),
            ["GET /dashboard/"] = _ => Get("/dashboard/"),
            ["GET /dashboard/index.html"] = _ => Get("/dashboard/index.html"),
            ["GET /dashboard/favicon.ico"] = _ => Get("/dashboard/favicon.ico"),
            ["GET /dashboard/index.min.js"] = _ => Get("/dashboard/index.min.js"),
            ["GET /dashboard/index.css"] = _ => Get("/dashboard/index.css"),
            ["GET /dashboard/fonts/{**path}"] = _ => Get("/dashboard/fonts/fa-solid-900.woff2"),
            ["GET /dashboard/img/{**path}"] = _ => Get("/dashboard/img/OrleansLogo.png"),
            ["GET /dashboard/version"] = _ => Get("/dashboard/version"),
            ["GET /dashboard/DashboardCounters"] = _ => Get("/dashboard/DashboardCounters"),
            ["GET /dashboard/ClusterStats"] = _ => Get("/dashboard/ClusterStats"),
            ["GET /dashboard/Reminders"] = _ => Get("/dashboard/Reminders"),
            ["GET /dashboard/Reminders/{page:int}"] = _ => Get("/dashboard/Reminders/1"),
            ["GET /dashboard/HistoricalStats/{*path}"] = w => Get($"/dashboard/HistoricalStats/{w.SiloAddress}"),
            ["GET /dashboard/SiloProperties/{*address}"] = w => Get($"/dashboard/SiloProperties/{w.SiloAddress}"),
            ["GET /dashboard/SiloMetadata/{*address}"] = w => Get($"/dashboard/SiloMetadata/{w.SiloAddress}"),
            ["GET /dashboard/SiloStats/{*address}"] = w => Get($"/dashboard/SiloStats/{w.SiloAddress}"),
            ["GET /dashboard/SiloCounters/{*address}"] = w => Get($"/dashboard/SiloCounters/{w.SiloAddress}"),
            ["GET /dashboard/GrainStats/{*grainName}"] = _ => Get("/dashboard/GrainStats/Moneta.Grains.Contracts.ContractGrain"),
            ["GET /dashboard/TopGrainMethods"] = _ => Get("/dashboard/TopGrainMethods"),
            ["GET /dashboard/GrainState"] = w => Get($"/dashboard/GrainState?grainId={w.ContractId}&grainType=Moneta.Grains.Contracts.ContractGrain"),
            ["GET /dashboard/LifecycleStages"] = _ => Get("/dashboard/LifecycleStages"),
            ["GET /dashboard/GrainTypes"] = _ => Get("/dashboard/GrainTypes"),
            ["GET /dashboard/Trace"] = _ => Get("/dashboard/Trace"),
            ["GET /api/v1/admin/clock"] = _ => Get("/api/v1/admin/clock"),
            // One second: the silo's other cases share this clock.
            ["POST /api/v1/admin/clock/advance"] = _ => Send(HttpMethod.Post, "/api/v1/admin/clock/advance", new JsonObject { ["advance_by"] = "PT1S" }),

            ["POST /api/v1/organizations/{kind}"] = _ => Send(HttpMethod.Post, "/api/v1/organizations/publisher", NewOrganization()),
            ["GET /api/v1/organizations/{kind}"] = _ => Get("/api/v1/organizations/mo?limit=1"),
            ["GET /api/v1/organizations/{kind}/{id}"] = w => Get($"/api/v1/organizations/mo/{w.Mo.Id}"),
            ["PUT /api/v1/organizations/{kind}/{id}"] = w => Send(HttpMethod.Put, $"/api/v1/organizations/mo/{w.Mo.Id}", new JsonObject { ["name"] = "Renamed MO", ["services"] = new JsonArray("payments") }),
            ["PUT /api/v1/organizations/{kind}/{id}/status"] = w => Send(HttpMethod.Put, $"/api/v1/organizations/mo/{w.Mo.Id}/status", new JsonObject { ["status"] = "suspended", ["reason"] = "matrix" }),
            ["GET /api/v1/organizations/{kind}/{id}/audit"] = w => Get($"/api/v1/organizations/mo/{w.Mo.Id}/audit"),
            ["POST /api/v1/organizations/{kind}/{id}/keys"] = w => Send(HttpMethod.Post, $"/api/v1/organizations/mo/{w.Mo.Id}/keys", NewPublicJwk()),
            ["POST /api/v1/organizations/{kind}/{id}/keys/{kid}/retire"] = w => Send(HttpMethod.Post, $"/api/v1/organizations/mo/{w.Mo.Id}/keys/{w.Mo.Key.Kid}/retire", null),
            ["POST /api/v1/organizations/{kind}/{id}/keys/{kid}/revoke"] = w => Send(HttpMethod.Post, $"/api/v1/organizations/mo/{w.Mo.Id}/keys/{w.Mo.Key.Kid}/revoke", new JsonObject { ["reason"] = "matrix" }),

            ["POST /api/v1/mpass/"] = w => Send(HttpMethod.Post, "/api/v1/mpass", new JsonObject { ["mo_id"] = w.Mo.Id, ["tier"] = "silver" }),
            ["GET /api/v1/mpass/"] = w => Get($"/api/v1/mpass?mo_id={w.Mo.Id}"),
            ["GET /api/v1/mpass/{id}"] = w => Get($"/api/v1/mpass/{w.Scenario.MpassId}"),
            ["GET /api/v1/mpass/{id}/audit"] = w => Get($"/api/v1/mpass/{w.Scenario.MpassId}/audit"),
            ["PUT /api/v1/mpass/{id}/status"] = w => Send(HttpMethod.Put, $"/api/v1/mpass/{w.Scenario.MpassId}/status", new JsonObject { ["status"] = "suspended" }),
            ["PUT /api/v1/mpass/{id}/tier"] = w => Send(HttpMethod.Put, $"/api/v1/mpass/{w.Scenario.MpassId}/tier", new JsonObject { ["tier"] = "platinum" }),

            ["GET /api/v1/templates/{name}"] = _ => Get("/api/v1/templates/transaction-contract"),
            ["GET /api/v1/templates/{name}/versions/{version:int}"] = _ => Get("/api/v1/templates/transaction-contract/versions/1"),
            ["POST /api/v1/templates/{name}/versions"] = _ => NewTemplate(),

            ["POST /api/v1/contracts/"] = w => Send(HttpMethod.Post, "/api/v1/contracts", w.Scenario.Initiation()),
            ["GET /api/v1/contracts/"] = w => Get($"/api/v1/contracts?mo_id={w.Mo.Id}"),
            ["GET /api/v1/contracts/{id}"] = w => Get($"/api/v1/contracts/{w.ContractId}"),
            ["GET /api/v1/contracts/{id}/audit"] = w => Get($"/api/v1/contracts/{w.ContractId}/audit"),
            ["GET /api/v1/contracts/{id}/verification"] = w => Get($"/api/v1/contracts/{w.ContractId}/verification"),
            ["POST /api/v1/contracts/{id}/signatures"] = w =>
            {
                var (contract, role) = w.Turn;
                var party = role == "mo" ? w.Mo : w.Publisher;
                return Send(HttpMethod.Post, $"/api/v1/contracts/{contract["contract_id"]}/signatures", new JsonObject
                {
                    ["role"] = role,
                    ["signature"] = party.Sign(contract, role, SettlementScenario.LastSignature(contract)),
                });
            },
            ["POST /api/v1/contracts/{id}/rejection"] = w =>
            {
                var (contract, role) = w.Turn;
                var input = TestPartner.SigningInput(contract, role, SettlementScenario.LastSignature(contract));
                input["rejection"] = new JsonObject { ["reason"] = "matrix" };
                var signature = DetachedJws.Sign((role == "mo" ? w.Mo : w.Publisher).Key, JsonCanonicalizer.Canonicalize(input));
                return Send(HttpMethod.Post, $"/api/v1/contracts/{contract["contract_id"]}/rejection", new JsonObject { ["role"] = role, ["reason"] = "matrix", ["signature"] = signature });
            },
            ["POST /api/v1/contracts/{id}/void"] = w => Send(HttpMethod.Post, $"/api/v1/contracts/{w.ContractId}/void", null),
            ["POST /api/v1/events/subscription_charges"] = w =>
            {
                var terms = w.Scenario.Initiation();
                return Send(HttpMethod.Post, "/api/v1/events/subscription_charges", new JsonObject
                {
                    ["contract_id"] = terms["contract_id"]!.DeepClone(),
                    ["mo_id"] = w.Mo.Id,
                    ["publisher_id"] = w.Publisher.Id,
                    ["mpass_id"] = w.Scenario.MpassId,
                    ["amount"] = "12.50",
                    ["currency"] = "EUR",
                    ["description"] = "Premium article bundle",
                    ["signature"] = terms["signature"]!.DeepClone(),
                });
            },

            ["POST /api/v1/events/disputes"] = w => Send(HttpMethod.Post, "/api/v1/events/disputes",
                new SettlementScenario(w.Silo, w.Scenario).DisputeBody(w.Charge!["contract_id"]!.GetValue<string>(), "1.00")),
            ["POST /api/v1/events/settlements"] = w => Send(HttpMethod.Post, "/api/v1/events/settlements", new JsonObject { ["mo_id"] = w.Mo.Id, ["publisher_id"] = w.Publisher.Id, ["currency"] = "EUR" }),
            ["GET /api/v1/settlements/"] = w => Get($"/api/v1/settlements?mo_id={w.Mo.Id}"),
            ["GET /api/v1/settlements/{batch_id}"] = w => Get($"/api/v1/settlements/{w.BatchId}"),
            ["GET /api/v1/settlements/{batch_id}/lines"] = w => Get($"/api/v1/settlements/{w.BatchId}/lines"),

            ["POST /api/v1/organizations/{kind}/{id}/webhooks/"] = w => Send(HttpMethod.Post, $"/api/v1/organizations/mo/{w.Mo.Id}/webhooks", new JsonObject { ["url"] = "https://example.com/hooks" }),
            ["GET /api/v1/organizations/{kind}/{id}/webhooks/"] = w => Get($"/api/v1/organizations/mo/{w.Mo.Id}/webhooks"),
            ["GET /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}"] = w => Get($"/api/v1/organizations/mo/{w.Mo.Id}/webhooks/{w.EndpointId}"),
            ["PUT /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}"] = w => Send(HttpMethod.Put, $"/api/v1/organizations/mo/{w.Mo.Id}/webhooks/{w.EndpointId}", new JsonObject { ["description"] = "matrix" }),
            ["DELETE /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}"] = w => new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/organizations/mo/{w.Mo.Id}/webhooks/{w.EndpointId}"),
            ["POST /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/secret/rotate"] = w => Send(HttpMethod.Post, $"/api/v1/organizations/mo/{w.Mo.Id}/webhooks/{w.EndpointId}/secret/rotate", new JsonObject { ["overlap_seconds"] = 60 }),
            ["POST /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/redrive"] = w => Send(HttpMethod.Post, $"/api/v1/organizations/mo/{w.Mo.Id}/webhooks/{w.EndpointId}/redrive", null),
            ["POST /api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/test"] = w => Send(HttpMethod.Post, $"/api/v1/organizations/mo/{w.Mo.Id}/webhooks/{w.EndpointId}/test", null),
            ["POST /api/v1/webhooks/deliveries/{delivery_id}/retry"] = w => Send(HttpMethod.Post, $"/api/v1/webhooks/deliveries/{w.DeliveryId}/retry", null),
            ["GET /api/v1/webhooks/deliveries/"] = w => Get($"/api/v1/webhooks/deliveries?endpoint_id={w.EndpointId}"),
            ["GET /api/v1/webhooks/deliveries/{delivery_id}"] = w => Get($"/api/v1/webhooks/deliveries/{w.DeliveryId}"),
            ["POST /api/v1/webhooks/deliveries/{delivery_id}/redrive"] = w => Send(HttpMethod.Post, $"/api/v1/webhooks/deliveries/{w.DeliveryId}/redrive", null),
        };

        private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

        private static HttpRequestMessage Send(HttpMethod method, string url, JsonNode? body) =>
            new(method, url) { Content = body is null ? null : JsonContent.Create(body) };

        private static JsonNode NewPublicJwk()
        {
            using var key = SigningKey.Generate();
            return key.PublicKey.ToPublicJwk();
        }

        private static JsonObject NewOrganization() => new() { ["name"] = "Matrix publisher", ["keys"] = new JsonArray(NewPublicJwk()) };

        private static HttpRequestMessage NewTemplate()
        {
            var name = "matrix-" + Guid.NewGuid().ToString("N");
            return Send(HttpMethod.Post, $"/api/v1/templates/{name}/versions", new JsonObject { ["yaml"] = ContractFlowTests.TemplateYaml(name, 1, "description") });
        }
    }

    /// <summary>A silo whose per-address limit does not throttle the hundreds of sign-ins these cases make.</summary>
    public sealed class MatrixSilo : IAsyncLifetime
    {
        private SiloCluster? _cluster;

        public TestSilo Silo => _cluster!.First;

        public async Task InitializeAsync() => _cluster = await SiloCluster.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Moneta:RateLimits:PerAddress:PermitLimit"] = "100000",
        });

        public async Task DisposeAsync() => await _cluster!.DisposeAsync();
    }
}
