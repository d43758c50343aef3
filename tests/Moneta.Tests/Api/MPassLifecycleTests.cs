using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

public sealed class MPassLifecycleTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task An_mpass_changed_many_times_can_still_be_revoked_and_its_whole_audit_log_read()
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        var url = $"/api/v1/mpass/{(await IssueAsync(mo))["id"]}";

        for (var i = 0; i < 250; i++)
            await Json.ReadAsync(await mo.Http.PutAsJsonAsync($"{url}/tier", new { tier = i % 2 == 0 ? "platinum" : "gold" }), HttpStatusCode.OK);
        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync($"{url}/status", new { status = "revoked", reason = "fraud" }), HttpStatusCode.OK);

        var events = await OrganizationLifecycleTests.ReadWholeAuditAsync(mo.Http, $"{url}/audit");
        Assert.Equal(252, events.Count);
        Assert.Equal(Enumerable.Range(1, 252), events.Select(e => e["sequence"]!.GetValue<int>()));
        Assert.Equal("revoked", events[^1]["to"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_issuing_mo_suspends_reactivates_changes_the_tier_and_revokes_and_each_change_is_audited()
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        var id = (await IssueAsync(mo))["id"]!.GetValue<string>();
        var url = $"/api/v1/mpass/{id}";

        await Json.ReadAsync(await mo.Http.PutAsJsonAsync($"{url}/status", new { status = "suspended", reason = "card lost" }), HttpStatusCode.OK);
        await Json.ReadAsync(await mo.Http.PutAsJsonAsync($"{url}/status", new { status = "active" }), HttpStatusCode.OK);
        var upgraded = await Json.ReadAsync(await mo.Http.PutAsJsonAsync($"{url}/tier", new { tier = "platinum" }), HttpStatusCode.OK);
        Assert.Equal("platinum", upgraded["tier"]!.GetValue<string>());
        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync($"{url}/status", new { status = "revoked", reason = "fraud" }), HttpStatusCode.OK);

        await Json.ProblemAsync(await mo.Http.PutAsJsonAsync($"{url}/status", new { status = "active" }), HttpStatusCode.Conflict, "invalid_status_transition");
        await Json.ProblemAsync(await mo.Http.PutAsJsonAsync($"{url}/tier", new { tier = "gold" }), HttpStatusCode.Conflict, "mpass_not_active");
        await Json.ProblemAsync(await mo.Http.PutAsJsonAsync($"{url}/status", new { status = "expired" }), HttpStatusCode.BadRequest, "invalid_field");

        var audit = await Json.ReadAsync(await mo.Http.GetAsync($"{url}/audit"), HttpStatusCode.OK);
        Assert.True(audit["verified"]!.GetValue<bool>());
        Assert.Equal(
            [$"issued:>active:{mo.Id}", $"status_changed:active>suspended:{mo.Id}", $"status_changed:suspended>active:{mo.Id}", $"tier_changed:gold>platinum:{mo.Id}", "status_changed:active>revoked:admin"],
            audit["events"]!.AsArray().Select(e => $"{e!["type"]}:{e["from"]}>{e["to"]}:{e["actor"]}"));
    }

    [Fact]
    public async Task An_mpass_expires_at_valid_until_and_a_contract_checked_after_sees_it_expired()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var validUntil = DateTimeOffset.UtcNow.AddSeconds(2);
        var mpass = await IssueAsync(scenario.Mo, validUntil);
        var initiation = scenario.Initiation();
        initiation["mpass_id"] = mpass["id"]!.DeepClone();

        await Eventually.TrueAsync(async () =>
            (await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/mpass/{mpass["id"]}"), HttpStatusCode.OK))["status"]!.GetValue<string>() == "expired",
            because: "valid_until passes");

        initiation["signature"] = scenario.Mo.Sign(initiation, "mo", null);
        await Json.ProblemAsync(await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", initiation), HttpStatusCode.Conflict, "mpass_not_active");
        await Json.ProblemAsync(await scenario.Mo.Http.PutAsJsonAsync($"/api/v1/mpass/{mpass["id"]}/status", new { status = "active" }), HttpStatusCode.Conflict, "invalid_status_transition");
        var expiry = (await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/mpass/{mpass["id"]}/audit"), HttpStatusCode.OK))["events"]!.AsArray().Last()!;
        Assert.Equal("moneta", expiry["actor"]!.GetValue<string>());
        Assert.Equal("expired", expiry["to"]!.GetValue<string>());
        Assert.Equal(validUntil.ToUnixTimeMilliseconds(), expiry["at"]!.GetValue<DateTimeOffset>().ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Only_the_issuing_mo_or_an_administrator_changes_an_mpass()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var otherMo = await TestPartner.RegisterAsync(Silo, "mo");
        var url = $"/api/v1/mpass/{scenario.MpassId}";
        await scenario.InitiateAsync();

        foreach (var stranger in new[] { otherMo, scenario.Publisher })
        {
            await Json.ProblemAsync(await stranger.Http.PutAsJsonAsync($"{url}/status", new { status = "revoked" }), HttpStatusCode.NotFound, "mpass_not_found");
            await Json.ProblemAsync(await stranger.Http.PutAsJsonAsync($"{url}/tier", new { tier = "bronze" }), HttpStatusCode.NotFound, "mpass_not_found");
            await Json.ProblemAsync(await stranger.Http.GetAsync($"{url}/audit"), HttpStatusCode.NotFound, "mpass_not_found");
        }

        await Json.ProblemAsync(await otherMo.Http.PostAsJsonAsync("/api/v1/mpass", new { mo_id = scenario.Mo.Id, tier = "gold" }), HttpStatusCode.Forbidden, "forbidden");
        var mpass = await Json.ReadAsync(await Silo.Admin.GetAsync(url), HttpStatusCode.OK);
        Assert.Equal(["active", "gold"], new[] { mpass["status"]!.GetValue<string>(), mpass["tier"]!.GetValue<string>() });
    }

    [Fact]
    public async Task A_publisher_reads_an_mpass_only_once_one_of_its_contracts_names_it()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var url = $"/api/v1/mpass/{scenario.MpassId}";

        await Json.ProblemAsync(await scenario.Publisher.Http.GetAsync(url), HttpStatusCode.NotFound, "mpass_not_found");
        await scenario.InitiateAsync();

        var seen = await Json.ReadAsync(await scenario.Publisher.Http.GetAsync(url), HttpStatusCode.OK);
        Assert.Equal(scenario.MpassId, seen["id"]!.GetValue<string>());
        await Json.ProblemAsync(await scenario.Publisher.Http.GetAsync($"/api/v1/mpass?mo_id={scenario.Mo.Id}"), HttpStatusCode.Forbidden, "forbidden");
        var otherPublisher = await TestPartner.RegisterAsync(Silo, "publisher");
        await Json.ProblemAsync(await otherPublisher.Http.GetAsync(url), HttpStatusCode.NotFound, "mpass_not_found");
    }

    [Fact]
    public async Task An_mo_lists_its_mpasses_page_by_page()
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        var other = await TestPartner.RegisterAsync(Silo, "mo");
        var issued = new List<string>();
        for (var i = 0; i < 5; i++)
            issued.Add((await IssueAsync(mo))["id"]!.GetValue<string>());
        await IssueAsync(other);

        var listed = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Json.ReadAsync(await mo.Http.GetAsync($"/api/v1/mpass?mo_id={mo.Id}&limit=2{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}"), HttpStatusCode.OK);
            Assert.True(page["items"]!.AsArray().Count <= 2);
            listed.AddRange(page["items"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(issued, listed);
        await Json.ProblemAsync(await other.Http.GetAsync($"/api/v1/mpass?mo_id={mo.Id}"), HttpStatusCode.Forbidden, "forbidden");
        await Json.ProblemAsync(await mo.Http.GetAsync("/api/v1/mpass"), HttpStatusCode.BadRequest, "missing_field");
    }

    private static async Task<JsonNode> IssueAsync(TestPartner mo, DateTimeOffset? validUntil = null) =>
        await Json.ReadAsync(await mo.Http.PostAsJsonAsync("/api/v1/mpass", new { mo_id = mo.Id, tier = "gold", valid_until = validUntil }), HttpStatusCode.Created);
}
