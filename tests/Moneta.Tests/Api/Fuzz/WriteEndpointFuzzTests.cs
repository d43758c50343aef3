using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Moneta.Api.Auth;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api.Fuzz;

/// <summary>
/// Throws malformed and adversarial bodies at every write endpoint, as a caller the endpoint allows (so the body
/// gets past authorization): the corpus kept in corpus/*.json, plus mutations of a valid body generated from a
/// fixed seed. No answer may be a 5xx, and a refused request must leave the SQLite store byte-for-byte as it was.
/// </summary>
public sealed class WriteEndpointFuzzTests : IAsyncLifetime
{
    private const int Seed = 20261121;

    private SiloCluster _cluster = null!;
    private ContractScenario _scenario = null!;
    private JsonNode _contract = null!;
    private TestPartner _target = null!;
    private TestPartner _webhookOwner = null!;
    private string _endpointId = "";

    private TestSilo Silo => _cluster.First;

    public async Task InitializeAsync()
    {
        _cluster = await SiloCluster.StartAsync();
        _scenario = await ContractScenario.CreateAsync(Silo);
        _contract = await _scenario.InitiateAsync();
        _target = await TestPartner.RegisterAsync(Silo, "mo");
        // Shipped templates are published on first use: that first write is not one a refused request may be blamed for.
        foreach (var template in new[] { "dispute-contract", "settlement-terms", "settlement-contract" })
            await Json.ReadAsync(await _scenario.Mo.Http.GetAsync($"/api/v1/templates/{template}"), System.Net.HttpStatusCode.OK);

        // Webhook routes address an organization no event ever concerns, so an endpoint a mutation happens to
        // register never sends anything and no delivery writes to the store in the middle of a comparison.
        _webhookOwner = await TestPartner.RegisterAsync(Silo, "mo");
        var endpoint = await Json.ReadAsync(await Silo.Admin.PostAsJsonAsync($"/api/v1/organizations/mo/{_webhookOwner.Id}/webhooks", new { url = "https://example.com/fuzz" }), System.Net.HttpStatusCode.Created);
        _endpointId = endpoint["endpoint"]!["id"]!.GetValue<string>();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task No_malformed_body_causes_a_5xx_or_changes_stored_state()
    {
        var corpus = Corpus().ToList();
        var failures = new List<string>();
        var requests = 0;

        foreach (var rule in AuthorizationMatrix.Rules.Where(r => r.Method is "POST" or "PUT"))
        {
            var target = Target(rule.Method, rule.Route);
            if (target is null) continue;
            var (url, validBody, mediaType) = target.Value;
            var client = ClientFor(rule);

            foreach (var (name, body) in corpus.Concat(Mutations(validBody)))
            {
                var before = FuzzChecks.StoreDigest(_cluster);
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(rule.Method), url) { Content = content });
                requests++;
                var violation = await FuzzChecks.ViolationAsync(response, rule.Method);
                if (violation is null && (int)response.StatusCode >= 400 && FuzzChecks.StoreDigest(_cluster) != before)
                    violation = $"{(int)response.StatusCode} refused, yet the store changed";
                if (violation is not null) failures.Add($"{rule.Method} {rule.Route} <- {name}: {violation}");
            }
        }

        Assert.True(requests > 500, $"only {requests} requests were sent");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void Every_write_endpoint_is_either_fuzzed_or_takes_no_body()
    {
        var writes = AuthorizationMatrix.Rules.Where(r => r.Method is "POST" or "PUT" or "PATCH" or "DELETE").ToList();

        Assert.All(writes, rule => Assert.True(Target(rule.Method, rule.Route) is not null || TakesNoBody.Contains(rule.Route), $"{rule.Method} {rule.Route} has no fuzz target"));
    }

    /// <summary>Endpoints that read no body (their effect depends on the route and caller only), so no body can be malformed for them.</summary>
    private static readonly string[] TakesNoBody =
    [
        "/api/v1/organizations/{kind}/{id}/keys/{kid}/retire", "/api/v1/contracts/{id}/void",
        "/api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/redrive", "/api/v1/webhooks/deliveries/{delivery_id}/redrive",
        "/api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/test", "/api/v1/webhooks/deliveries/{delivery_id}/retry",
    ];

    /// <summary>
    /// The URL, a valid body and its media type for each write endpoint (null: takes no body). Organization routes
    /// address a separate MO, so a mutation that happens to be a valid suspension or revocation does not stop
    /// the contract routes from reaching their validation.
    /// </summary>
    private (string Url, byte[] Body, string MediaType)? Target(string method, string route)
    {
        var mo = _scenario.Mo;
        var contractId = _contract["contract_id"]!.GetValue<string>();
        JsonNode? body = route switch
        {
            "/api/v1/auth/token" => null,
            "/operators/session" => new JsonObject { ["token"] = "a-token-that-is-not-the-admin-token-0123456789" },
            "/api/v1/organizations/{kind}" => new JsonObject { ["name"] = "Fuzz", ["mic"] = "FUZZMIC", ["keys"] = new JsonArray(mo.Key.PublicKey.ToPublicJwk()) },
            "/api/v1/organizations/{kind}/{id}" => new JsonObject { ["name"] = "Fuzz", ["metadata"] = new JsonObject { ["a"] = 1 }, ["services"] = new JsonArray("x") },
            "/api/v1/organizations/{kind}/{id}/status" => new JsonObject { ["status"] = "suspended", ["reason"] = "fuzz" },
            "/api/v1/organizations/{kind}/{id}/keys" => mo.Key.PublicKey.ToPublicJwk(),
            "/api/v1/organizations/{kind}/{id}/keys/{kid}/revoke" => new JsonObject { ["reason"] = "fuzz" },
            "/api/v1/mpass/" => new JsonObject { ["mo_id"] = mo.Id, ["tier"] = "gold", ["valid_until"] = "2030-01-01T00:00:00Z" },
            "/api/v1/mpass/{id}/status" => new JsonObject { ["status"] = "suspended", ["reason"] = "fuzz" },
            "/api/v1/mpass/{id}/tier" => new JsonObject { ["tier"] = "gold" },
            "/api/v1/templates/{name}/versions" => new JsonObject { ["yaml"] = "template_name: transaction-contract\nversion: 2\n" },
            "/api/v1/contracts/" => _scenario.Initiation(contractId),
            "/api/v1/contracts/{id}/signatures" => new JsonObject { ["role"] = "publisher", ["signature"] = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ..AAAA" },
            "/api/v1/contracts/{id}/rejection" => new JsonObject { ["role"] = "publisher", ["reason"] = "fuzz", ["signature"] = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ..AAAA" },
            "/api/v1/events/subscription_charges" => new JsonObject
            {
                ["contract_id"] = contractId,
                ["mo_id"] = mo.Id,
                ["publisher_id"] = _scenario.Publisher.Id,
                ["mpass_id"] = _scenario.MpassId,
                ["amount"] = "12.50",
                ["currency"] = "EUR",
                ["signature"] = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ..AAAA",
            },
            // The contract disputed is pending and the signature forged: no mutation can make a dispute of it.
            "/api/v1/events/disputes" => new JsonObject
            {
                ["contract_id"] = "fuzz-dispute",
                ["mo_id"] = mo.Id,
                ["publisher_id"] = _scenario.Publisher.Id,
                ["mpass_id"] = _scenario.MpassId,
                ["disputed_contract_id"] = contractId,
                ["amount"] = "1.00",
                ["currency"] = "EUR",
                ["reason_code"] = "not_received",
                ["evidence"] = new JsonArray(new JsonObject { ["type"] = "receipt", ["sha256"] = new string('a', 64), ["description"] = "fuzz" }),
                ["signature"] = "eyJhbGciOiJFUzI1NiIsImtpZCI6ImsifQ..AAAA",
            },
            // A pair without settlement terms: there is no batch to close.
            "/api/v1/events/settlements" => new JsonObject { ["mo_id"] = mo.Id, ["publisher_id"] = _scenario.Publisher.Id, ["currency"] = "EUR" },
            "/api/v1/organizations/{kind}/{id}/webhooks/" => new JsonObject { ["url"] = "https://example.com/hook", ["event_types"] = new JsonArray("contract.finalized"), ["description"] = "fuzz" },
            "/api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}" => new JsonObject { ["url"] = "https://example.com/other", ["event_types"] = new JsonArray("contract.voided"), ["status"] = "enabled" },
            "/api/v1/organizations/{kind}/{id}/webhooks/{endpoint_id}/secret/rotate" => new JsonObject { ["overlap_seconds"] = 60 },
            // One second, so that no mutation that happens to be valid moves the clock past a deadline mid-run.
            "/api/v1/admin/clock/advance" => new JsonObject { ["advance_by"] = "PT1S" },
            _ => null,
        };

        if (route.Contains("/webhooks", StringComparison.Ordinal))
            route = route.Replace("{id}", _webhookOwner.Id, StringComparison.Ordinal).Replace("{endpoint_id}", _endpointId, StringComparison.Ordinal);
        var url = route
            .Replace("{kind}", "mo", StringComparison.Ordinal)
            .Replace("{kid}", _target.Key.Kid, StringComparison.Ordinal)
            .Replace("{name}", "transaction-contract", StringComparison.Ordinal)
            .Replace("{id}", route.StartsWith("/api/v1/mpass", StringComparison.Ordinal) ? _scenario.MpassId : route.StartsWith("/api/v1/contracts", StringComparison.Ordinal) ? contractId : _target.Id, StringComparison.Ordinal);
        if (route == "/api/v1/auth/token")
            return (url, Encoding.UTF8.GetBytes($"grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={mo.CreateAssertion(signWith: SigningKey.Generate())}"), "application/x-www-form-urlencoded");
        return body is null ? null : (url, Encoding.UTF8.GetBytes(body.ToJsonString()), "application/json");
    }

    private HttpClient ClientFor(AuthorizationRule rule) =>
        rule.Allowed.HasFlag(CallerKinds.Admin) ? Silo.Admin
        : rule.Allowed.HasFlag(CallerKinds.Mo) ? _scenario.Mo.Http
        : rule.Allowed.HasFlag(CallerKinds.Publisher) ? _scenario.Publisher.Http
        : Silo.Anonymous;

    private static IEnumerable<(string Name, byte[] Body)> Corpus()
    {
        var directory = Path.Combine(Repository.Root, "tests", "Moneta.Tests", "Api", "Fuzz", "corpus");
        var files = Directory.GetFiles(directory, "*.json");
        Assert.True(files.Length >= 20, $"the corpus in {directory} is missing");
        return files.Order().Select(f => ("corpus/" + Path.GetFileName(f), File.ReadAllBytes(f)));
    }

    /// <summary>Breaks a valid body in ways a careless or hostile client might: truncated, retyped, oversized, deepened, mis-encoded.</summary>
    private static IEnumerable<(string Name, byte[] Body)> Mutations(byte[] valid)
    {
        var random = new Random(Seed);
        var text = Encoding.UTF8.GetString(valid);
        for (var i = 0; i < 4; i++)
        {
            var at = random.Next(1, text.Length - 1);
            yield return ($"truncated at {at}", Encoding.UTF8.GetBytes(text[..at]));
        }

        yield return ("bytes flipped", Flip(valid, random));
        yield return ("utf-16 encoded", Encoding.Unicode.GetBytes(text));

        if (!text.StartsWith('{') || JsonNode.Parse(text) is not JsonObject original) yield break;
        string[] replacements =
        [
            "42", "-1", "1e400", "true", "[]", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
            "\"\\ud800\"", "\"a\\u0000b\"", $"\"{new string('x', 70_000)}\"", "\"../../admin\"", "{\"$ref\":\"#\"}",
        ];
        foreach (var (member, _) in original.ToList())
        {
            foreach (var replacement in replacements)
            {
                var mutated = text.Replace($"\"{member}\":{original[member]?.ToJsonString() ?? "null"}", $"\"{member}\":{replacement}", StringComparison.Ordinal);
                if (mutated != text) yield return ($"{member} := {replacement[..Math.Min(replacement.Length, 20)]}", Encoding.UTF8.GetBytes(mutated));
            }

            yield return ($"{member} twice", Encoding.UTF8.GetBytes(text.Insert(1, $"\"{member}\":{original[member]?.ToJsonString() ?? "null"},")));
        }

        yield return ("unknown member", Encoding.UTF8.GetBytes(text.Insert(1, "\"is_admin\":true,")));
    }

    private static byte[] Flip(byte[] valid, Random random)
    {
        var flipped = (byte[])valid.Clone();
        for (var i = 0; i < 5; i++) flipped[random.Next(flipped.Length)] ^= (byte)random.Next(1, 256);
        return flipped;
    }
}
