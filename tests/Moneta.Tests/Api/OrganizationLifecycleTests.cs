using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

public sealed class OrganizationLifecycleTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task Every_status_change_follows_the_lifecycle_and_is_recorded_in_a_verified_hash_chain()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "publisher", activate: false);
        var url = $"/api/v1/organizations/publisher/{partner.Id}";

        await Json.ProblemAsync(await ChangeStatusAsync(url, "suspended"), HttpStatusCode.Conflict, "invalid_status_transition");
        await Json.ReadAsync(await ChangeStatusAsync(url, "active", "contract signed"), HttpStatusCode.OK);
        await Json.ReadAsync(await ChangeStatusAsync(url, "suspended", "unpaid invoices"), HttpStatusCode.OK);
        await Json.ReadAsync(await ChangeStatusAsync(url, "suspended", "asked twice"), HttpStatusCode.OK);
        await Json.ReadAsync(await ChangeStatusAsync(url, "active"), HttpStatusCode.OK);
        await Json.ReadAsync(await ChangeStatusAsync(url, "destroyed", "left the network"), HttpStatusCode.OK);
        await Json.ProblemAsync(await ChangeStatusAsync(url, "active"), HttpStatusCode.Conflict, "invalid_status_transition");
        await Json.ProblemAsync(await ChangeStatusAsync(url, "sleeping"), HttpStatusCode.BadRequest, "invalid_field");

        var audit = await Json.ReadAsync(await Silo.Admin.GetAsync($"{url}/audit"), HttpStatusCode.OK);
        Assert.True(audit["verified"]!.GetValue<bool>());
        var events = audit["events"]!.AsArray();
        Assert.Equal(["registered", "key_added", "status_changed", "status_changed", "status_changed", "status_changed"], events.Select(e => e!["type"]!.GetValue<string>()));
        var transitions = events.Where(e => e!["type"]!.GetValue<string>() == "status_changed")
            .Select(e => $"{e!["from"]}>{e["to"]}:{e["reason"]}:{e["actor"]}");
        Assert.Equal(["pending>active:contract signed:admin", "active>suspended:unpaid invoices:admin", "suspended>active::admin", "active>destroyed:left the network:admin"], transitions);
        Assert.Null(events[0]!["previous_hash"]);
        Assert.All(events.Skip(1), e => Assert.Matches("^[0-9a-f]{64}$", e!["previous_hash"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_suspended_party_cannot_initiate_sign_or_get_tokens_and_its_earlier_token_stops_working()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var finalized = await FinalizeAsync(scenario);
        var pending = await scenario.InitiateAsync();

        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync($"/api/v1/organizations/publisher/{scenario.Publisher.Id}/status", new { status = "suspended" }), HttpStatusCode.OK);

        await Json.ProblemAsync(await scenario.PublisherSignsAsync(pending), HttpStatusCode.Forbidden, "organization_not_active");
        await Json.ProblemAsync(await scenario.Publisher.Http.GetAsync($"/api/v1/organizations/publisher/{scenario.Publisher.Id}"), HttpStatusCode.Forbidden, "organization_not_active");
        await Json.ProblemAsync(await scenario.Publisher.RequestTokenAsync(scenario.Publisher.CreateAssertion()), HttpStatusCode.Forbidden, "organization_not_active");
        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", scenario.Initiation()), HttpStatusCode.Conflict, "organization_not_active");

        // Its finalized contract stays readable and verifiable by the counterparty and the administrator.
        var id = finalized["contract_id"];
        Assert.Equal("finalized", (await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts/{id}"), HttpStatusCode.OK))["status"]!.GetValue<string>());
        Assert.True((await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts/{id}/verification"), HttpStatusCode.OK))["verified"]!.GetValue<bool>());
        Assert.True((await Json.ReadAsync(await Silo.Admin.GetAsync($"/api/v1/contracts/{id}/verification"), HttpStatusCode.OK))["verified"]!.GetValue<bool>());

        // Reactivated, it signs in again and carries on.
        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync($"/api/v1/organizations/publisher/{scenario.Publisher.Id}/status", new { status = "active" }), HttpStatusCode.OK);
        await scenario.Publisher.SignInAsync();
        await Json.ReadAsync(await scenario.PublisherSignsAsync(pending), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Contracts_signed_by_an_organization_stay_verifiable_after_it_is_destroyed()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var finalized = await FinalizeAsync(scenario);

        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync($"/api/v1/organizations/publisher/{scenario.Publisher.Id}/status", new { status = "destroyed" }), HttpStatusCode.OK);

        var verification = await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts/{finalized["contract_id"]}/verification"), HttpStatusCode.OK);
        Assert.True(verification["verified"]!.GetValue<bool>());
        Assert.Equal(3, verification["signatures"]!.AsArray().Count(s => s!["valid"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task A_destroyed_organization_can_no_longer_be_changed()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        var url = $"/api/v1/organizations/mo/{partner.Id}";
        await Json.ReadAsync(await ChangeStatusAsync(url, "destroyed"), HttpStatusCode.OK);
        using var key = SigningKey.Generate();

        await Json.ProblemAsync(await Silo.Admin.PutAsJsonAsync(url, new { name = "Reborn" }), HttpStatusCode.Conflict, "organization_not_active");
        await Json.ProblemAsync(await Silo.Admin.PostAsJsonAsync($"{url}/keys", key.PublicKey.ToPublicJwk()), HttpStatusCode.Conflict, "organization_not_active");
        await Json.ProblemAsync(await Silo.Admin.PostAsync($"{url}/keys/{partner.Key.Kid}/retire", null), HttpStatusCode.Conflict, "organization_not_active");
        await Json.ProblemAsync(await partner.RequestTokenAsync(partner.CreateAssertion()), HttpStatusCode.Forbidden, "organization_not_active");
        Assert.Equal("destroyed", (await Json.ReadAsync(await Silo.Admin.GetAsync(url), HttpStatusCode.OK))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_organization_keeps_its_own_profile_and_every_update_is_audited()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "publisher");
        var url = $"/api/v1/organizations/publisher/{partner.Id}";
        var profile = new JsonObject
        {
            ["name"] = "Daily News",
            ["metadata"] = new JsonObject { ["contact"] = new JsonObject { ["email"] = "ops@daily.example", ["phone"] = "+44 20 0000 0000" }, ["settlement_day"] = 5 },
            ["services"] = new JsonArray("articles", "video"),
            ["industries"] = new JsonArray("media"),
        };

        var updated = await Json.ReadAsync(await partner.Http.PutAsJsonAsync(url, profile), HttpStatusCode.OK);

        Assert.Equal("Daily News", updated["name"]!.GetValue<string>());
        Assert.Equal("ops@daily.example", updated["metadata"]!["contact"]!["email"]!.GetValue<string>());
        Assert.Equal(["articles", "video"], updated["services"]!.AsArray().Select(s => s!.GetValue<string>()));
        var cleared = await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync(url, new { name = "Daily News Ltd" }), HttpStatusCode.OK);
        Assert.Null(cleared["metadata"]);
        Assert.Empty(cleared["industries"]!.AsArray());
        var audit = await Json.ReadAsync(await partner.Http.GetAsync($"{url}/audit"), HttpStatusCode.OK);
        Assert.Equal([partner.Id, "admin"], audit["events"]!.AsArray().Where(e => e!["type"]!.GetValue<string>() == "profile_updated").Select(e => e!["actor"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("{\"name\":\"X\",\"metadata\":[1,2]}", "invalid_field")]
    [InlineData("{\"name\":\"X\",\"metadata\":\"text\"}", "invalid_field")]
    [InlineData("{\"name\":\"X\",\"metadata\":{\"a\":\"\\ud800\"}}", "invalid_field")]
    [InlineData("{\"name\":\"X\",\"metadata\":{\"\\u0000\":1}}", "invalid_field")]
    [InlineData("{\"name\":\"X\",\"services\":[\"has space\"]}", "invalid_id")]
    [InlineData("{\"name\":\"X\",\"services\":[\"a\",\"a\"]}", "invalid_field")]
    [InlineData("{\"name\":\"X\",\"services\":[7]}", "invalid_json")]
    [InlineData("{\"name\":\"X\",\"industries\":\"media\"}", "invalid_json")]
    [InlineData("{\"services\":[]}", "missing_field")]
    [InlineData("{\"name\":\"X\",\"status\":\"active\"}", "invalid_json")]
    public async Task Invalid_profiles_are_refused_and_nothing_changes(string body, string code)
    {
        var partner = await TestPartner.RegisterAsync(Silo, "publisher");
        var url = $"/api/v1/organizations/publisher/{partner.Id}";
        var before = await Json.ReadAsync(await Silo.Admin.GetAsync(url), HttpStatusCode.OK);

        await Json.ProblemAsync(await partner.Http.PutAsync(url, Json.Raw(body)), HttpStatusCode.BadRequest, code);

        Assert.Equal(before.ToJsonString(), (await Json.ReadAsync(await Silo.Admin.GetAsync(url), HttpStatusCode.OK)).ToJsonString());
    }

    [Fact]
    public async Task A_long_audit_log_is_archived_and_read_page_by_page_and_the_organization_stays_manageable()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "publisher");
        var url = $"/api/v1/organizations/publisher/{partner.Id}";

        // Every update is an audit event: enough of them to seal several archive segments.
        for (var i = 0; i < 450; i++)
            await Json.ReadAsync(await partner.Http.PutAsJsonAsync(url, new { name = $"Daily News {i}" }), HttpStatusCode.OK);
        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync($"{url}/status", new { status = "suspended" }), HttpStatusCode.OK);

        var events = await ReadWholeAuditAsync(Silo.Admin, $"{url}/audit");
        Assert.Equal(Enumerable.Range(1, events.Count), events.Select(e => e["sequence"]!.GetValue<int>()));
        Assert.Equal(450, events.Count(e => e["type"]!.GetValue<string>() == "profile_updated"));
        Assert.Equal("status_changed:active>suspended", $"{events[^1]["type"]}:{events[^1]["from"]}>{events[^1]["to"]}");
        await Json.ProblemAsync(await Silo.Admin.GetAsync($"{url}/audit?cursor=9"), HttpStatusCode.BadRequest, "invalid_cursor");
        await Json.ProblemAsync(await Silo.Admin.GetAsync($"{url}/audit?cursor=-1"), HttpStatusCode.BadRequest, "invalid_cursor");
    }

    /// <summary>Follows next_cursor to the end; every page must verify (its chain, and its link to the page before).</summary>
    public static async Task<List<JsonNode>> ReadWholeAuditAsync(HttpClient client, string url)
    {
        var events = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await Json.ReadAsync(await client.GetAsync(cursor is null ? url : $"{url}?cursor={cursor}"), HttpStatusCode.OK);
            Assert.True(page["verified"]!.GetValue<bool>(), $"the audit page at cursor '{cursor}' verifies");
            Assert.InRange(page["events"]!.AsArray().Count, 1, 199);
            events.AddRange(page["events"]!.AsArray().Select(e => e!));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return events;
    }

    [Fact]
    public async Task Metadata_is_bounded_in_size()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "publisher");
        var body = new { name = "Big", metadata = new { notes = new string('x', 17 * 1024) } };

        await Json.ProblemAsync(await partner.Http.PutAsJsonAsync($"/api/v1/organizations/publisher/{partner.Id}", body), HttpStatusCode.BadRequest, "invalid_field");
    }

    [Fact]
    public async Task Organizations_are_listed_by_kind_and_status_page_by_page()
    {
        var mine = new List<string>();
        for (var i = 0; i < 3; i++)
            mine.Add((await TestPartner.RegisterAsync(Silo, "mo")).Id);
        await Json.ReadAsync(await ChangeStatusAsync($"/api/v1/organizations/mo/{mine[1]}", "suspended"), HttpStatusCode.OK);

        var all = await ListAllAsync("/api/v1/organizations/mo?limit=2");
        var suspended = await ListAllAsync("/api/v1/organizations/mo?status=suspended&limit=2");

        Assert.Equal(mine, all.Where(mine.Contains));
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Contains(mine[1], suspended);
        Assert.DoesNotContain(mine[0], suspended);
        Assert.DoesNotContain(mine[0], await ListAllAsync("/api/v1/organizations/publisher?limit=200"));
        await Json.ProblemAsync(await Silo.Admin.GetAsync("/api/v1/organizations/mo?status=sleeping"), HttpStatusCode.BadRequest, "invalid_field");
        await Json.ProblemAsync(await Silo.Admin.GetAsync("/api/v1/organizations/mo?cursor=forged"), HttpStatusCode.BadRequest, "invalid_cursor");
        await Json.ProblemAsync(await Silo.Admin.GetAsync("/api/v1/organizations/mo?limit=0"), HttpStatusCode.BadRequest, "invalid_field");
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("moneta")]
    public async Task Reserved_ids_cannot_name_an_organization(string id)
    {
        using var key = SigningKey.Generate();
        var body = new JsonObject { ["id"] = id, ["name"] = "Impostor", ["keys"] = new JsonArray(key.PublicKey.ToPublicJwk()) };

        await Json.ProblemAsync(await Silo.Admin.PostAsJsonAsync("/api/v1/organizations/publisher", body), HttpStatusCode.BadRequest, "invalid_id");
    }

    private Task<HttpResponseMessage> ChangeStatusAsync(string url, string status, string? reason = null) =>
        Silo.Admin.PutAsJsonAsync($"{url}/status", new { status, reason });

    private async Task<List<string>> ListAllAsync(string url)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Json.ReadAsync(await Silo.Admin.GetAsync(cursor is null ? url : $"{url}&cursor={Uri.EscapeDataString(cursor)}"), HttpStatusCode.OK);
            ids.AddRange(page["items"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return ids;
    }

    internal static async Task<JsonNode> FinalizeAsync(ContractScenario scenario)
    {
        var contract = await scenario.InitiateAsync();
        return await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);
    }
}
