using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>
/// Forged and bent bearer tokens against a protected endpoint. The client-assertion side (token endpoint) is in
/// <see cref="TokenEndpointTests"/>. Each token here differs from a valid one in one respect only.
/// </summary>
public sealed class AccessTokenHardeningTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    private SigningKey MonetaKey => Silo.Services.GetRequiredService<SigningKey>();

    [Fact]
    public async Task A_token_minted_like_moneta_does_is_accepted_so_the_refusals_below_are_for_their_one_difference()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");

        await Json.ReadAsync(await GetSelfAsync(partner, Mint(partner)), HttpStatusCode.OK);
    }

    [Fact]
    public async Task An_unsigned_token_with_alg_none_is_refused()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "at+jwt", ["kid"] = MonetaKey.Kid };

        await Json.ProblemAsync(await GetSelfAsync(partner, $"{Encode(header)}.{Encode(Claims(partner))}."), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task An_hs256_token_keyed_with_monetas_public_key_is_refused()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        var header = new JsonObject { ["alg"] = "HS256", ["typ"] = "at+jwt", ["kid"] = MonetaKey.Kid };
        var signingInput = $"{Encode(header)}.{Encode(Claims(partner))}";

        foreach (var secret in new[] { Encoding.UTF8.GetBytes(MonetaKey.PublicKey.ToPublicJwk().ToJsonString()), MonetaKey.CreatePrivateAlgorithm().ExportSubjectPublicKeyInfo() })
        {
            var mac = Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput)));
            await Json.ProblemAsync(await GetSelfAsync(partner, $"{signingInput}.{mac}"), HttpStatusCode.Unauthorized, "invalid_token");
        }
    }

    [Fact]
    public async Task A_token_signed_by_an_unknown_key_is_refused()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        using var stranger = SigningKey.Generate();

        await Json.ProblemAsync(await GetSelfAsync(partner, Mint(partner, signWith: stranger)), HttpStatusCode.Unauthorized, "invalid_token");
        await Json.ProblemAsync(await GetSelfAsync(partner, Mint(partner, signWith: stranger, kid: MonetaKey.Kid)), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task A_partner_cannot_mint_an_access_token_with_its_own_registered_key()
    {
        var attacker = await TestPartner.RegisterAsync(Silo, "mo");
        var victim = await TestPartner.RegisterAsync(Silo, "mo");

        await Json.ProblemAsync(await GetSelfAsync(victim, Mint(victim, signWith: attacker.Key)), HttpStatusCode.Unauthorized, "invalid_token");
        await Json.ProblemAsync(await GetSelfAsync(attacker, Mint(attacker, signWith: attacker.Key)), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task Expired_and_not_yet_valid_tokens_are_refused_beyond_the_clock_skew()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        var now = DateTime.UtcNow;

        await Json.ProblemAsync(await GetSelfAsync(partner, Mint(partner, notBefore: now.AddMinutes(-12), expires: now.AddMinutes(-2))), HttpStatusCode.Unauthorized, "invalid_token");
        await Json.ProblemAsync(await GetSelfAsync(partner, Mint(partner, notBefore: now.AddMinutes(2), expires: now.AddMinutes(12))), HttpStatusCode.Unauthorized, "invalid_token");
        await Json.ReadAsync(await GetSelfAsync(partner, Mint(partner, notBefore: now.AddMinutes(-10), expires: now.AddSeconds(-5))), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_token_already_accepted_is_refused_once_it_expires_on_monetas_clock()
    {
        await using var cluster = await SiloCluster.StartAsync();
        var partner = await TestPartner.RegisterAsync(cluster.First, "mo");
        await Json.ReadAsync(await GetSelfAsync(partner, partner.AccessToken), HttpStatusCode.OK);
        await Json.ReadAsync(await GetSelfAsync(partner, partner.AccessToken), HttpStatusCode.OK);

        // Ten minutes of lifetime and thirty seconds of skew have passed on Moneta's (sandbox) clock.
        await Json.ReadAsync(await cluster.First.Admin.PostAsJsonAsync("/api/v1/admin/clock/advance", new { advance_by = "PT11M" }), HttpStatusCode.OK);

        var refused = await Json.ProblemAsync(await GetSelfAsync(partner, partner.AccessToken), HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Contains("expired at", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_clock_skew_is_configurable()
    {
        await using var strict = await SiloCluster.StartAsync(settings: new Dictionary<string, string?> { ["Moneta:Auth:ClockSkew"] = "00:00:00" });
        var partner = await TestPartner.RegisterAsync(strict.First, "mo");
        var key = strict.First.Services.GetRequiredService<SigningKey>();
        var now = DateTime.UtcNow;

        await Json.ProblemAsync(await GetSelfAsync(partner, Mint(partner, notBefore: now.AddMinutes(-10), expires: now.AddSeconds(-5), signWith: key)), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task A_token_for_another_audience_or_issuer_is_refused()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");

        await Json.ProblemAsync(await GetSelfAsync(partner, Mint(partner, audience: "https://elsewhere.example")), HttpStatusCode.Unauthorized, "invalid_token");
        await Json.ProblemAsync(await GetSelfAsync(partner, Mint(partner, issuer: "https://elsewhere.example")), HttpStatusCode.Unauthorized, "invalid_token");
        await Json.ProblemAsync(await GetSelfAsync(partner, Mint(partner, tokenType: "JWT")), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task An_access_token_stops_working_when_its_organization_is_suspended()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "publisher");
        await Json.ReadAsync(await GetSelfAsync(partner, partner.AccessToken), HttpStatusCode.OK);

        await Json.ReadAsync(await Silo.Admin.PutAsJsonAsync($"/api/v1/organizations/publisher/{partner.Id}/status", new { status = "suspended" }), HttpStatusCode.OK);

        await Json.ProblemAsync(await GetSelfAsync(partner, partner.AccessToken), HttpStatusCode.Forbidden, "organization_not_active");
        await Json.ProblemAsync(await GetSelfAsync(partner, Mint(partner)), HttpStatusCode.Forbidden, "organization_not_active");
    }

    private async Task<HttpResponseMessage> GetSelfAsync(TestPartner partner, string token)
    {
        using var client = partner.Silo.NewClient(token);
        return await client.GetAsync($"/api/v1/organizations/{partner.Kind}/{partner.Id}");
    }

    /// <summary>An access token as Moneta mints it, with any one part bent.</summary>
    private string Mint(
        TestPartner partner, SigningKey? signWith = null, string? kid = null, DateTime? notBefore = null, DateTime? expires = null,
        string? audience = null, string? issuer = null, string tokenType = "at+jwt")
    {
        var key = signWith ?? MonetaKey;
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? TestSilo.Issuer,
            Audience = audience ?? TestSilo.Issuer,
            TokenType = tokenType,
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now,
            Expires = expires ?? now.AddMinutes(5),
            Claims = new Dictionary<string, object> { ["sub"] = partner.Id, ["org_kind"] = partner.Kind, ["jti"] = Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key.CreatePrivateAlgorithm()) { KeyId = kid ?? key.Kid }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static JsonObject Claims(TestPartner partner)
    {
        var now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["iss"] = TestSilo.Issuer,
            ["aud"] = TestSilo.Issuer,
            ["sub"] = partner.Id,
            ["org_kind"] = partner.Kind,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
        };
    }

    private static string Encode(JsonNode json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json.ToJsonString()));
}
