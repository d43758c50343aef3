using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

public abstract class ContractFlowTests(SiloFixture fixture)
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task A_contract_goes_from_initiation_to_finalization_with_every_signature_verifiable()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);

        var initiated = await scenario.InitiateAsync();
        Assert.Equal("pending_publisher_signature", initiated["status"]!.GetValue<string>());
        Assert.NotNull(initiated["signatures_map"]!["mo"]);
        Assert.NotNull(initiated["signatures_map"]!["moneta"]);

        var finalized = await Json.ReadAsync(await scenario.PublisherSignsAsync(initiated), HttpStatusCode.OK);
        Assert.Equal("finalized", finalized["status"]!.GetValue<string>());
        Assert.NotNull(finalized["finalized_at"]);

        // Moneta's countersignature verifies with the key it publishes, over the chain that includes the MO's signature.
        var jwks = await Json.ReadAsync(await Silo.Anonymous.GetAsync("/.well-known/jwks.json"), HttpStatusCode.OK);
        var monetaKey = PartnerKey.Parse(System.Text.Json.JsonSerializer.SerializeToElement(jwks["keys"]![0]));
        var moSignature = finalized["signatures_map"]!["mo"]!["signature"]!.GetValue<string>();
        var monetaInput = JsonCanonicalizer.Canonicalize(TestPartner.SigningInput(finalized, "moneta", moSignature));
        Assert.True(DetachedJws.Verify(ContractScenario.MonetaSignature(finalized), monetaInput, monetaKey));
        Assert.False(DetachedJws.Verify(ContractScenario.MonetaSignature(finalized), JsonCanonicalizer.Canonicalize(TestPartner.SigningInput(finalized, "moneta", null)), monetaKey));
    }

    [Fact]
    public async Task The_audit_trail_records_every_step_in_a_verified_hash_chain()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var contract = await scenario.InitiateAsync();
        await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);

        var audit = await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts/{contract["contract_id"]}/audit"), HttpStatusCode.OK);

        var events = audit["events"]!.AsArray();
        Assert.Equal(["created", "signed", "signed", "signed", "finalized"], events.Select(e => e!["type"]!.GetValue<string>()));
        Assert.Equal(["mo", "moneta", "publisher"], events.Where(e => e!["type"]!.GetValue<string>() == "signed").Select(e => e!["role"]!.GetValue<string>()));
        Assert.Null(events[0]!["previous_hash"]);
        Assert.All(events.Skip(1), e => Assert.Matches("^[0-9a-f]{64}$", e!["previous_hash"]!.GetValue<string>()));
        Assert.True(audit["verified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Sending_the_same_initiation_again_returns_the_contract_and_a_different_body_is_a_conflict()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var initiation = scenario.Initiation();
        var first = await scenario.InitiateAsync(initiation);

        var again = await Json.ReadAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", initiation), HttpStatusCode.OK);
        Assert.Equal(first.ToJsonString(), again.ToJsonString());

        var different = scenario.Initiation(initiation["contract_id"]!.GetValue<string>(), amount: "99.00");
        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", different), HttpStatusCode.Conflict, "contract_id_in_use");
    }

    [Fact]
    public async Task Another_organization_replaying_an_initiation_learns_only_that_the_id_is_taken()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var initiation = scenario.Initiation();
        await scenario.InitiateAsync(initiation);
        var stranger = await TestPartner.RegisterAsync(Silo, "mo");

        var response = await stranger.Http.PostAsJsonAsync("/api/v1/contracts", initiation);

        var problem = await Json.ProblemAsync(response, HttpStatusCode.Conflict, "contract_id_in_use");
        Assert.Null(problem["signatures_map"]);
        Assert.DoesNotContain(scenario.Publisher.Id, problem.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sending_the_same_signature_again_is_idempotent_and_another_signature_is_refused()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var contract = await scenario.InitiateAsync();
        var signature = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract));
        var finalized = await Json.ReadAsync(await scenario.PublisherSignsAsync(contract, signature), HttpStatusCode.OK);

        var again = await Json.ReadAsync(await scenario.PublisherSignsAsync(contract, signature), HttpStatusCode.OK);
        Assert.Equal(finalized.ToJsonString(), again.ToJsonString());

        await Json.ProblemAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.Conflict, "already_signed");
    }

    [Fact]
    public async Task The_subscription_charge_pipeline_initiates_a_transaction_contract()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var terms = scenario.Initiation();
        var charge = new JsonObject
        {
            ["contract_id"] = terms["contract_id"]!.DeepClone(),
            ["mo_id"] = scenario.Mo.Id,
            ["publisher_id"] = scenario.Publisher.Id,
            ["mpass_id"] = scenario.MpassId,
            ["amount"] = "12.50",
            ["currency"] = "EUR",
            ["description"] = "Premium article bundle",
            ["signature"] = terms["signature"]!.DeepClone(),
        };

        var contract = await Json.ReadAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/events/subscription_charges", charge), HttpStatusCode.Created);

        Assert.Equal("transaction-contract", contract["template_id"]!.GetValue<string>());
        Assert.Equal("pending_publisher_signature", contract["status"]!.GetValue<string>());
        Assert.Equal("12.50", contract["payload"]!["amount"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_counterparty_rejects_with_a_signed_reason()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var contract = await scenario.InitiateAsync();
        var input = TestPartner.SigningInput(contract, "publisher", ContractScenario.MonetaSignature(contract));
        input["rejection"] = new JsonObject { ["reason"] = "Unknown member" };
        var signature = DetachedJws.Sign(scenario.Publisher.Key, JsonCanonicalizer.Canonicalize(input));

        var forged = await scenario.Publisher.Http.PostAsJsonAsync($"/api/v1/contracts/{contract["contract_id"]}/rejection", new { role = "publisher", reason = "Something else", signature });
        await Json.ProblemAsync(forged, HttpStatusCode.BadRequest, "invalid_signature");

        var rejected = await Json.ReadAsync(await scenario.Publisher.Http.PostAsJsonAsync($"/api/v1/contracts/{contract["contract_id"]}/rejection", new { role = "publisher", reason = "Unknown member", signature }), HttpStatusCode.OK);
        Assert.Equal("rejected", rejected["status"]!.GetValue<string>());
        Assert.Equal("Unknown member", rejected["rejection"]!["reason"]!.GetValue<string>());
        await Json.ProblemAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.Conflict, "contract_closed");
    }

    [Fact]
    public async Task Only_the_initiator_voids_and_a_voided_contract_takes_no_signature()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var contract = await scenario.InitiateAsync();
        var path = $"/api/v1/contracts/{contract["contract_id"]}/void";

        await Json.ProblemAsync(await scenario.Publisher.Http.PostAsync(path, null), HttpStatusCode.Forbidden, "not_initiator");
        var voided = await Json.ReadAsync(await scenario.Mo.Http.PostAsync(path, null), HttpStatusCode.OK);

        Assert.Equal("voided", voided["status"]!.GetValue<string>());
        await Json.ProblemAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.Conflict, "contract_closed");
    }

    [Fact]
    public async Task A_contract_past_its_deadline_is_expired_and_refuses_signatures()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var name = "short-deadline-" + Guid.NewGuid().ToString("N")[..8];
        var yaml = TemplateYaml(name, version: 1, extraField: "description", signingDeadline: "PT1S");
        await Json.ReadAsync(await Silo.Admin.PostAsJsonAsync($"/api/v1/templates/{name}/versions", new { yaml }), HttpStatusCode.Created);
        var contract = await scenario.InitiateAsync(scenario.Initiation(templateId: name));

        await Eventually.TrueAsync(async () =>
            (await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts/{contract["contract_id"]}"), HttpStatusCode.OK))["status"]!.GetValue<string>() == "expired",
            because: "the one-second deadline passes");
        await Json.ProblemAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.Conflict, "contract_expired");
    }

    [Fact]
    public async Task A_template_holds_signers_to_at_most_366_days_and_a_longer_deadline_is_refused_at_publication()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var name = "long-deadline-" + Guid.NewGuid().ToString("N")[..8];
        var path = $"/api/v1/templates/{name}/versions";

        // Published, this deadline made every contract on the template a 500 (creation time + deadline overflowed).
        var refused = await Json.ProblemAsync(await Silo.Admin.PostAsJsonAsync(path, new { yaml = TemplateYaml(name, 1, "description", signingDeadline: "P10000000D") }), HttpStatusCode.BadRequest, "invalid_template");
        Assert.Contains("at most P366D", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await Json.ProblemAsync(await Silo.Admin.PostAsJsonAsync(path, new { yaml = TemplateYaml(name, 1, "description", signingDeadline: "P367D") }), HttpStatusCode.BadRequest, "invalid_template");
        await Json.ProblemAsync(await Silo.Admin.GetAsync($"{path}/1"), HttpStatusCode.NotFound, "template_not_found");

        await Json.ReadAsync(await Silo.Admin.PostAsJsonAsync(path, new { yaml = TemplateYaml(name, 1, "description", signingDeadline: "P366D") }), HttpStatusCode.Created);
        var contract = await scenario.InitiateAsync(scenario.Initiation(templateId: name));
        Assert.Equal(TimeSpan.FromDays(366), contract["expires_at"]!.GetValue<DateTimeOffset>() - contract["created_at"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task A_template_without_a_signing_deadline_gives_its_contracts_seven_days()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var name = "default-deadline-" + Guid.NewGuid().ToString("N")[..8];
        var yaml = TemplateYaml(name, version: 1, extraField: "description", signingDeadline: null);
        Assert.DoesNotContain("signing_deadline", yaml, StringComparison.Ordinal);
        await Json.ReadAsync(await Silo.Admin.PostAsJsonAsync($"/api/v1/templates/{name}/versions", new { yaml }), HttpStatusCode.Created);

        var contract = await scenario.InitiateAsync(scenario.Initiation(templateId: name));

        Assert.Equal(TimeSpan.FromDays(7), contract["expires_at"]!.GetValue<DateTimeOffset>() - contract["created_at"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task A_contract_keeps_the_template_version_it_was_created_with()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var name = "versioned-" + Guid.NewGuid().ToString("N")[..8];
        await Json.ReadAsync(await Silo.Admin.PostAsJsonAsync($"/api/v1/templates/{name}/versions", new { yaml = TemplateYaml(name, 1, "description") }), HttpStatusCode.Created);
        var v1 = await scenario.InitiateAsync(scenario.Initiation(templateId: name));
        await Json.ReadAsync(await Silo.Admin.PostAsJsonAsync($"/api/v1/templates/{name}/versions", new { yaml = TemplateYaml(name, 2, "reference") }), HttpStatusCode.Created);

        var finalized = await Json.ReadAsync(await scenario.PublisherSignsAsync(v1), HttpStatusCode.OK);
        Assert.Equal(1, finalized["template_version"]!.GetValue<int>());
        Assert.Equal("finalized", finalized["status"]!.GetValue<string>());
        await Json.ProblemAsync(await Silo.Admin.PostAsJsonAsync($"/api/v1/templates/{name}/versions", new { yaml = TemplateYaml(name, 2, "other") }), HttpStatusCode.Conflict, "template_version_conflict");
    }

    [Fact]
    public async Task Contracts_are_listed_by_party_and_status_with_cursor_pagination()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var created = new List<string>();
        for (var i = 0; i < 5; i++)
            created.Add((await scenario.InitiateAsync())["contract_id"]!.GetValue<string>());

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts?mo_id={scenario.Mo.Id}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}")), HttpStatusCode.OK);
            seen.AddRange(page["items"]!.AsArray().Select(c => c!["contract_id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        Assert.Equal(created, seen);

        var byPublisher = await Json.ReadAsync(await scenario.Publisher.Http.GetAsync($"/api/v1/contracts?publisher_id={scenario.Publisher.Id}"), HttpStatusCode.OK);
        Assert.Equal(5, byPublisher["items"]!.AsArray().Count);
        var byMpass = await Json.ReadAsync(await Silo.Admin.GetAsync($"/api/v1/contracts?mpass_id={scenario.MpassId}"), HttpStatusCode.OK);
        Assert.Equal(5, byMpass["items"]!.AsArray().Count);
        var pending = await Json.ReadAsync(await scenario.Mo.Http.GetAsync("/api/v1/contracts?status=pending_publisher_signature&limit=200"), HttpStatusCode.OK);
        Assert.Superset(created.ToHashSet(), pending["items"]!.AsArray().Select(c => c!["contract_id"]!.GetValue<string>()).Where(created.Contains).ToHashSet());
        Assert.All(pending["items"]!.AsArray(), c => Assert.Equal(scenario.Mo.Id, c!["mo_id"]!.GetValue<string>()));

        await Json.ProblemAsync(await scenario.Publisher.Http.GetAsync($"/api/v1/contracts?mo_id={scenario.Mo.Id}"), HttpStatusCode.Forbidden, "forbidden");
        await Json.ProblemAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts?mo_id={scenario.Mo.Id}&cursor=garbage"), HttpStatusCode.BadRequest, "invalid_cursor");
    }

    [Fact]
    public async Task A_partner_listing_by_status_or_mpass_pages_through_its_own_contracts_only()
    {
        var theirs = await ContractScenario.CreateAsync(Silo);
        for (var i = 0; i < 3; i++)
            await theirs.InitiateAsync();
        var mine = await ContractScenario.CreateAsync(Silo);
        var created = new List<string>();
        for (var i = 0; i < 2; i++)
            created.Add((await mine.InitiateAsync())["contract_id"]!.GetValue<string>());

        // Page size 1 over everyone's pending contracts would give empty pages whose cursors name others' contracts.
        Assert.Equal(created, await ListAllAsync(mine.Mo, "status=pending_publisher_signature&limit=1"));
        Assert.Equal(created, await ListAllAsync(mine.Publisher, "status=pending_publisher_signature&limit=1"));
        Assert.Equal(created, await ListAllAsync(mine.Publisher, $"mpass_id={mine.MpassId}&limit=1"));
        Assert.Empty(await ListAllAsync(mine.Mo, $"mpass_id={theirs.MpassId}"));
        Assert.Empty(await ListAllAsync(mine.Publisher, $"mpass_id={theirs.MpassId}"));
    }

    /// <summary>Every contract id over all pages; no page in between may be empty.</summary>
    private static async Task<List<string>> ListAllAsync(TestPartner partner, string query)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Json.ReadAsync(await partner.Http.GetAsync($"/api/v1/contracts?{query}" + (cursor is null ? "" : $"&cursor={cursor}")), HttpStatusCode.OK);
            var items = page["items"]!.AsArray().Select(c => c!["contract_id"]!.GetValue<string>()).ToList();
            cursor = page["next_cursor"]?.GetValue<string>();
            Assert.True(items.Count > 0 || cursor is null, $"an empty page with a next_cursor for {query}");
            ids.AddRange(items);
        }
        while (cursor is not null);
        return ids;
    }

    /// <summary>
    /// A transaction-like template: amount and currency required, one more string field, mo → moneta → publisher.
    /// A null <paramref name="signingDeadline"/> leaves the member out.
    /// </summary>
    internal static string TemplateYaml(string name, int version, string extraField, string? signingDeadline = "P7D") => $"""
        template_name: {name}
        version: {version}
        {(signingDeadline is null ? "" : $"signing_deadline: {signingDeadline}")}
        schema:
          required_fields:
            - path: amount
              type: amount
              currency_field: currency
            - path: currency
              type: currency
            - path: {extraField}
              type: string
        signature_rules:
          required_signatures: [mo, moneta, publisher]
          signing_order: [mo, moneta, publisher]
        """;
}

/// <summary>The contract flow on SQLite, the embedded default.</summary>
public sealed class SqliteContractFlowTests(SiloFixture fixture) : ContractFlowTests(fixture), IClassFixture<SiloFixture>;

/// <summary>The same flow on DynamoDB Local: the production data plane.</summary>
public sealed class DynamoDbContractFlowTests(DynamoDbSiloFixture fixture) : ContractFlowTests(fixture), IClassFixture<DynamoDbSiloFixture>;
