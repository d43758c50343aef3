using System.Net;
using System.Net.Http.Json;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>Keys as certificates: validity windows, rotation with overlap, retirement and revocation.</summary>
public sealed class KeyLifecycleTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task A_partner_rotates_its_key_with_overlap_and_earlier_signatures_stay_verifiable()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var publisher = scenario.Publisher;
        var url = $"/api/v1/organizations/publisher/{publisher.Id}";
        var signedWithOldKey = await OrganizationLifecycleTests.FinalizeAsync(scenario);
        using var next = SigningKey.Generate();

        // Overlap: both keys work once the new one is added (by the partner itself, with its own token).
        await Json.ReadAsync(await publisher.Http.PostAsJsonAsync($"{url}/keys", next.PublicKey.ToPublicJwk()), HttpStatusCode.Created);
        var duringOverlap = await scenario.InitiateAsync();
        await Json.ReadAsync(await publisher.RequestTokenAsync(publisher.CreateAssertion(signWith: next)), HttpStatusCode.OK);
        await Json.ReadAsync(await publisher.RequestTokenAsync(publisher.CreateAssertion()), HttpStatusCode.OK);

        await Json.ReadAsync(await publisher.Http.PostAsync($"{url}/keys/{publisher.Key.Kid}/retire", null), HttpStatusCode.OK);

        var withOldKey = publisher.Sign(duringOverlap, "publisher", ContractScenario.MonetaSignature(duringOverlap));
        await Json.ProblemAsync(await scenario.PublisherSignsAsync(duringOverlap, withOldKey), HttpStatusCode.BadRequest, "unknown_kid");
        await Json.ProblemAsync(await publisher.RequestTokenAsync(publisher.CreateAssertion()), HttpStatusCode.Unauthorized, "invalid_client");
        var withNewKey = publisher.Sign(duringOverlap, "publisher", ContractScenario.MonetaSignature(duringOverlap), signWith: next);
        var signed = await Json.ReadAsync(await scenario.PublisherSignsAsync(duringOverlap, withNewKey), HttpStatusCode.OK);
        Assert.Equal(next.Kid, signed["signatures_map"]!["publisher"]!["kid"]!.GetValue<string>());

        var verification = await Json.ReadAsync(await scenario.Mo.Http.GetAsync($"/api/v1/contracts/{signedWithOldKey["contract_id"]}/verification"), HttpStatusCode.OK);
        Assert.True(verification["verified"]!.GetValue<bool>());
        Assert.Equal(publisher.Key.Kid, verification["signatures"]!.AsArray().Single(s => s!["role"]!.GetValue<string>() == "publisher")!["kid"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_revoked_key_signs_nothing_more_but_what_it_signed_before_stays_verifiable()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var mo = scenario.Mo;
        var url = $"/api/v1/organizations/mo/{mo.Id}";
        var before = await OrganizationLifecycleTests.FinalizeAsync(scenario);
        using var replacement = SigningKey.Generate();
        await Json.ReadAsync(await Silo.Admin.PostAsJsonAsync($"{url}/keys", replacement.PublicKey.ToPublicJwk()), HttpStatusCode.Created);

        var revoked = await Json.ReadAsync(await mo.Http.PostAsJsonAsync($"{url}/keys/{mo.Key.Kid}/revoke", new { reason = "laptop stolen" }), HttpStatusCode.OK);

        var key = revoked["keys"]!.AsArray().Single(k => k!["kid"]!.GetValue<string>() == mo.Key.Kid)!;
        Assert.Equal("revoked", key["status"]!.GetValue<string>());
        Assert.Equal("laptop stolen", key["revocation_reason"]!.GetValue<string>());
        await Json.ProblemAsync(await mo.Http.PostAsJsonAsync("/api/v1/contracts", scenario.Initiation()), HttpStatusCode.BadRequest, "unknown_kid");
        await Json.ProblemAsync(await mo.RequestTokenAsync(mo.CreateAssertion()), HttpStatusCode.Unauthorized, "invalid_client");
        await Json.ProblemAsync(await mo.Http.PostAsync($"{url}/keys/{mo.Key.Kid}/retire", null), HttpStatusCode.Conflict, "key_revoked");
        Assert.True((await Json.ReadAsync(await mo.Http.GetAsync($"/api/v1/contracts/{before["contract_id"]}/verification"), HttpStatusCode.OK))["verified"]!.GetValue<bool>());

        var audit = await Json.ReadAsync(await Silo.Admin.GetAsync($"{url}/audit"), HttpStatusCode.OK);
        var revocation = audit["events"]!.AsArray().Last()!;
        Assert.Equal(["key_revoked", mo.Key.Kid, "active", "revoked", "laptop stolen", mo.Id],
            new[] { "type", "subject", "from", "to", "reason", "actor" }.Select(m => revocation[m]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_key_before_its_not_before_neither_signs_nor_authenticates()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var mo = scenario.Mo;
        using var future = SigningKey.Generate();
        var notBefore = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"));

        var added = await Json.ReadAsync(await mo.Http.PostAsJsonAsync($"/api/v1/organizations/mo/{mo.Id}/keys?not_before={notBefore}", future.PublicKey.ToPublicJwk()), HttpStatusCode.Created);

        Assert.NotNull(added["keys"]!.AsArray().Single(k => k!["kid"]!.GetValue<string>() == future.Kid)!["not_before"]);
        await Json.ProblemAsync(await mo.RequestTokenAsync(mo.CreateAssertion(signWith: future)), HttpStatusCode.Unauthorized, "invalid_client");
        var initiation = scenario.Initiation();
        initiation["signature"] = mo.Sign(initiation, "mo", null, signWith: future);
        await Json.ProblemAsync(await mo.Http.PostAsJsonAsync("/api/v1/contracts", initiation), HttpStatusCode.BadRequest, "unknown_kid");
    }

    [Fact]
    public async Task A_key_past_its_not_after_neither_signs_nor_authenticates()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var mo = scenario.Mo;
        using var shortLived = SigningKey.Generate();
        var notAfter = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddSeconds(2).ToString("O"));
        await Json.ReadAsync(await mo.Http.PostAsJsonAsync($"/api/v1/organizations/mo/{mo.Id}/keys?not_after={notAfter}", shortLived.PublicKey.ToPublicJwk()), HttpStatusCode.Created);

        await Eventually.TrueAsync(async () => (await mo.RequestTokenAsync(mo.CreateAssertion(signWith: shortLived))).StatusCode == HttpStatusCode.Unauthorized, because: "the key's not_after passes");

        var initiation = scenario.Initiation();
        initiation["signature"] = mo.Sign(initiation, "mo", null, signWith: shortLived);
        await Json.ProblemAsync(await mo.Http.PostAsJsonAsync("/api/v1/contracts", initiation), HttpStatusCode.BadRequest, "unknown_kid");
    }

    [Fact]
    public async Task Key_changes_that_make_no_sense_are_refused()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "publisher");
        var url = $"/api/v1/organizations/publisher/{partner.Id}";
        using var key = SigningKey.Generate();
        var now = DateTimeOffset.UtcNow;

        await Json.ProblemAsync(await partner.Http.PostAsJsonAsync($"{url}/keys?not_before={Uri.EscapeDataString(now.AddDays(2).ToString("O"))}&not_after={Uri.EscapeDataString(now.AddDays(1).ToString("O"))}", key.PublicKey.ToPublicJwk()), HttpStatusCode.BadRequest, "invalid_field");
        await Json.ProblemAsync(await partner.Http.PostAsJsonAsync($"{url}/keys?not_before=yesterday", key.PublicKey.ToPublicJwk()), HttpStatusCode.BadRequest, "invalid_request");
        await Json.ProblemAsync(await partner.Http.PostAsJsonAsync($"{url}/keys", partner.Key.PublicKey.ToPublicJwk()), HttpStatusCode.Conflict, "duplicate_kid");
        await Json.ProblemAsync(await partner.Http.PostAsync($"{url}/keys/no-such-kid/retire", null), HttpStatusCode.NotFound, "key_not_found");
        await Json.ProblemAsync(await partner.Http.PostAsJsonAsync($"{url}/keys/{partner.Key.Kid}/revoke", new { }), HttpStatusCode.BadRequest, "missing_field");

        var unchanged = await Json.ReadAsync(await partner.Http.GetAsync(url), HttpStatusCode.OK);
        Assert.Equal("active", Assert.Single(unchanged["keys"]!.AsArray())!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_organization_cannot_touch_my_keys()
    {
        var victim = await TestPartner.RegisterAsync(Silo, "publisher");
        var attacker = await TestPartner.RegisterAsync(Silo, "publisher");
        var url = $"/api/v1/organizations/publisher/{victim.Id}";

        await Json.ProblemAsync(await attacker.Http.PostAsJsonAsync($"{url}/keys", attacker.Key.PublicKey.ToPublicJwk()), HttpStatusCode.Forbidden, "forbidden");
        await Json.ProblemAsync(await attacker.Http.PostAsJsonAsync($"{url}/keys/{victim.Key.Kid}/revoke", new { reason = "mischief" }), HttpStatusCode.Forbidden, "forbidden");
        await Json.ProblemAsync(await attacker.Http.PostAsync($"{url}/keys/{victim.Key.Kid}/retire", null), HttpStatusCode.Forbidden, "forbidden");

        var keys = (await Json.ReadAsync(await Silo.Admin.GetAsync(url), HttpStatusCode.OK))["keys"]!.AsArray();
        Assert.Equal("active", Assert.Single(keys)!["status"]!.GetValue<string>());
        await Json.ReadAsync(await victim.RequestTokenAsync(victim.CreateAssertion()), HttpStatusCode.OK);
    }
}
