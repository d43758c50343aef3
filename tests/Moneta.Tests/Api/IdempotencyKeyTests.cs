using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>Idempotency-Key on the writes that create something, with Stripe's semantics, over HTTP.</summary>
public sealed class IdempotencyKeyTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task Issuing_an_mpass_twice_with_one_key_creates_one_and_replays_the_first_answer()
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        var key = Guid.NewGuid().ToString();

        var first = await PostAsync(mo.Http, "/api/v1/mpass", new { mo_id = mo.Id, tier = "gold" }, key);
        var again = await PostAsync(mo.Http, "/api/v1/mpass", new { mo_id = mo.Id, tier = "gold" }, key);

        var created = await Json.ReadAsync(first, HttpStatusCode.Created);
        var replayed = await Json.ReadAsync(again, HttpStatusCode.Created);
        Assert.Equal(created.ToJsonString(), replayed.ToJsonString());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        var list = await Json.ReadAsync(await mo.Http.GetAsync($"/api/v1/mpass?mo_id={mo.Id}"), HttpStatusCode.OK);
        Assert.Single(list["items"]!.AsArray());
    }

    [Fact]
    public async Task Without_a_key_each_post_creates_another_mpass()
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");

        await Json.ReadAsync(await mo.Http.PostAsJsonAsync("/api/v1/mpass", new { mo_id = mo.Id, tier = "gold" }), HttpStatusCode.Created);
        await Json.ReadAsync(await mo.Http.PostAsJsonAsync("/api/v1/mpass", new { mo_id = mo.Id, tier = "gold" }), HttpStatusCode.Created);

        var list = await Json.ReadAsync(await mo.Http.GetAsync($"/api/v1/mpass?mo_id={mo.Id}"), HttpStatusCode.OK);
        Assert.Equal(2, list["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_same_body_in_another_member_order_and_spacing_is_the_same_request()
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        var key = Guid.NewGuid().ToString();

        var first = await Json.ReadAsync(await PostRawAsync(mo.Http, "/api/v1/mpass", $$"""{"mo_id":"{{mo.Id}}","tier":"gold"}""", key), HttpStatusCode.Created);
        var again = await Json.ReadAsync(await PostRawAsync(mo.Http, "/api/v1/mpass", $$"""{ "tier": "gold",  "mo_id": "{{mo.Id}}" }""", key), HttpStatusCode.Created);

        Assert.Equal(first["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_key_reused_with_another_body_is_a_conflict_that_changes_nothing()
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        var key = Guid.NewGuid().ToString();
        await Json.ReadAsync(await PostAsync(mo.Http, "/api/v1/mpass", new { mo_id = mo.Id, tier = "gold" }, key), HttpStatusCode.Created);

        await Json.ProblemAsync(await PostAsync(mo.Http, "/api/v1/mpass", new { mo_id = mo.Id, tier = "silver" }, key), HttpStatusCode.Conflict, "idempotency_key_reused");
        await Json.ProblemAsync(await PostAsync(mo.Http, $"/api/v1/organizations/mo/{mo.Id}/webhooks", new { url = "https://example.com/hooks" }, key), HttpStatusCode.Conflict, "idempotency_key_reused");

        var list = await Json.ReadAsync(await mo.Http.GetAsync($"/api/v1/mpass?mo_id={mo.Id}"), HttpStatusCode.OK);
        Assert.Equal("gold", Assert.Single(list["items"]!.AsArray())!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Keys_are_scoped_to_the_caller()
    {
        var first = await TestPartner.RegisterAsync(Silo, "mo");
        var second = await TestPartner.RegisterAsync(Silo, "mo");
        var key = Guid.NewGuid().ToString();

        var a = await Json.ReadAsync(await PostAsync(first.Http, "/api/v1/mpass", new { mo_id = first.Id, tier = "gold" }, key), HttpStatusCode.Created);
        var b = await Json.ReadAsync(await PostAsync(second.Http, "/api/v1/mpass", new { mo_id = second.Id, tier = "gold" }, key), HttpStatusCode.Created);

        Assert.NotEqual(a["id"]!.GetValue<string>(), b["id"]!.GetValue<string>());
        Assert.Equal(second.Id, b["mo_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Registering_an_organization_twice_with_one_key_registers_it_once()
    {
        var key = Guid.NewGuid().ToString();
        using var signingKey = Moneta.Crypto.SigningKey.Generate();
        var body = new JsonObject { ["name"] = "Idempotent publisher", ["keys"] = new JsonArray(signingKey.PublicKey.ToPublicJwk()) };

        var first = await Json.ReadAsync(await PostAsync(Silo.Admin, "/api/v1/organizations/publisher", body, key), HttpStatusCode.Created);
        var again = await Json.ReadAsync(await PostAsync(Silo.Admin, "/api/v1/organizations/publisher", body, key), HttpStatusCode.Created);

        Assert.Equal(first["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
        await Json.ReadAsync(await Silo.Admin.GetAsync($"/api/v1/organizations/publisher/{first["id"]}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_refusal_is_the_first_answer_too_and_is_replayed()
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        var key = Guid.NewGuid().ToString();
        var body = new { mo_id = mo.Id, tier = "gold", valid_until = DateTimeOffset.UtcNow.AddDays(-1) };

        var refused = await Json.ProblemAsync(await PostAsync(mo.Http, "/api/v1/mpass", body, key), HttpStatusCode.BadRequest, "invalid_field");
        var again = await PostAsync(mo.Http, "/api/v1/mpass", body, key);

        Assert.Equal(refused.ToJsonString(), (await Json.ProblemAsync(again, HttpStatusCode.BadRequest, "invalid_field")).ToJsonString());
        Assert.Equal("true", again.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Concurrent_duplicates_create_one_mpass_and_the_others_wait_or_replay()
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(mo.Http, "/api/v1/mpass", new { mo_id = mo.Id, tier = "gold" }, key)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"{(int)r.StatusCode}"));
        foreach (var conflict in responses.Where(r => r.StatusCode == HttpStatusCode.Conflict))
            await Json.ProblemAsync(conflict, HttpStatusCode.Conflict, "idempotency_key_in_use");
        var ids = new HashSet<string>();
        foreach (var created in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
            ids.Add((await Json.ReadAsync(created, HttpStatusCode.Created))["id"]!.GetValue<string>());
        Assert.Single(ids);
        var list = await Json.ReadAsync(await mo.Http.GetAsync($"/api/v1/mpass?mo_id={mo.Id}"), HttpStatusCode.OK);
        Assert.Single(list["items"]!.AsArray());
    }

    [Fact]
    public async Task A_key_is_remembered_by_every_silo_on_the_store()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 2);
        var mo = await TestPartner.RegisterAsync(cluster.Silos[0], "mo");
        using var onSecond = cluster.Silos[1].NewClient(mo.AccessToken);
        var key = Guid.NewGuid().ToString();

        var first = await Json.ReadAsync(await PostAsync(mo.Http, "/api/v1/mpass", new { mo_id = mo.Id, tier = "gold" }, key), HttpStatusCode.Created);
        var again = await Json.ReadAsync(await PostAsync(onSecond, "/api/v1/mpass", new { mo_id = mo.Id, tier = "gold" }, key), HttpStatusCode.Created);

        Assert.Equal(first["id"]!.GetValue<string>(), again["id"]!.GetValue<string>());
    }

    public static TheoryData<string> MalformedKeys => ["", "has space", new string('k', 256)];

    [Theory]
    [MemberData(nameof(MalformedKeys))]
    public async Task A_malformed_key_is_refused_before_anything_is_created(string key)
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/mpass") { Content = JsonContent.Create(new { mo_id = mo.Id, tier = "gold" }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        await Json.ProblemAsync(await mo.Http.SendAsync(request), HttpStatusCode.BadRequest, "invalid_idempotency_key");
        var list = await Json.ReadAsync(await mo.Http.GetAsync($"/api/v1/mpass?mo_id={mo.Id}"), HttpStatusCode.OK);
        Assert.Empty(list["items"]!.AsArray());
    }

    [Fact]
    public async Task The_token_endpoint_refuses_a_key_since_each_assertion_is_single_use()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = partner.CreateAssertion(),
            }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        await Json.ProblemAsync(await Silo.Anonymous.SendAsync(request), HttpStatusCode.BadRequest, "invalid_idempotency_key");
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json.Raw(json) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }
}
