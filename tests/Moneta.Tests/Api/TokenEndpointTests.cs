using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.Tokens;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

public sealed class TokenEndpointTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task A_registered_partner_gets_a_bearer_token_with_a_signed_client_assertion()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");

        var token = await Json.ReadAsync(await partner.RequestTokenAsync(partner.CreateAssertion()), HttpStatusCode.OK);

        Assert.Equal("Bearer", token["token_type"]!.GetValue<string>());
        Assert.True(token["expires_in"]!.GetValue<int>() > 0);
        var discovery = await Json.ReadAsync(await Silo.Anonymous.GetAsync("/.well-known/openid-configuration"), HttpStatusCode.OK);
        Assert.Equal(TestSilo.Issuer, discovery["issuer"]!.GetValue<string>());
        Assert.Equal(TestSilo.Issuer + "/api/v1/auth/token", discovery["token_endpoint"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_replayed_jti_is_refused()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        var assertion = partner.CreateAssertion();
        await Json.ReadAsync(await partner.RequestTokenAsync(assertion), HttpStatusCode.OK);

        await Json.ProblemAsync(await partner.RequestTokenAsync(assertion), HttpStatusCode.BadRequest, "assertion_replayed");
    }

    [Fact]
    public async Task Assertions_with_the_wrong_audience_key_or_lifetime_are_refused()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "publisher");
        var other = await TestPartner.RegisterAsync(Silo, "publisher");
        using var stranger = SigningKey.Generate();

        await Json.ProblemAsync(await partner.RequestTokenAsync(partner.CreateAssertion(audience: "https://elsewhere.example")), HttpStatusCode.Unauthorized, "invalid_client");
        await Json.ProblemAsync(await partner.RequestTokenAsync(partner.CreateAssertion(signWith: stranger)), HttpStatusCode.Unauthorized, "invalid_client");
        await Json.ProblemAsync(await partner.RequestTokenAsync(partner.CreateAssertion(signWith: other.Key)), HttpStatusCode.Unauthorized, "invalid_client");
        await Json.ProblemAsync(await partner.RequestTokenAsync(partner.CreateAssertion(lifetime: TimeSpan.FromHours(1))), HttpStatusCode.Unauthorized, "invalid_client");
        await Json.ProblemAsync(await partner.RequestTokenAsync(partner.CreateAssertion(lifetime: TimeSpan.FromMinutes(-5))), HttpStatusCode.Unauthorized, "invalid_client");
        await Json.ProblemAsync(await partner.RequestTokenAsync("not.a.jwt"), HttpStatusCode.Unauthorized, "invalid_client");
        var unsigned = "eyJhbGciOiJub25lIn0." + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{{\"iss\":\"{partner.Id}\",\"sub\":\"{partner.Id}\",\"aud\":\"{TestSilo.Issuer}\",\"exp\":{DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds()},\"jti\":\"x1\"}}")).TrimEnd('=').Replace('+', '-').Replace('/', '_') + ".";
        await Json.ProblemAsync(await partner.RequestTokenAsync(unsigned), HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task An_hs256_assertion_keyed_with_the_partners_public_key_is_refused()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        var header = new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = partner.Key.Kid };
        var now = DateTimeOffset.UtcNow;
        var claims = new JsonObject
        {
            ["iss"] = partner.Id,
            ["sub"] = partner.Id,
            ["aud"] = TestSilo.Issuer,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(1).ToUnixTimeSeconds(),
        };
        var signingInput = $"{Base64UrlEncoder.Encode(header.ToJsonString())}.{Base64UrlEncoder.Encode(claims.ToJsonString())}";
        var secret = Encoding.UTF8.GetBytes(partner.Key.PublicKey.ToPublicJwk().ToJsonString());
        var mac = Base64UrlEncoder.Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput)));

        await Json.ProblemAsync(await partner.RequestTokenAsync($"{signingInput}.{mac}"), HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task An_assertion_naming_an_unknown_kid_or_not_yet_valid_is_refused()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        using var stranger = SigningKey.FromPrivateJwk(partner.Key.ToPrivateJwk().Replace(partner.Key.Kid, "not-registered", StringComparison.Ordinal));

        await Json.ProblemAsync(await partner.RequestTokenAsync(partner.CreateAssertion(signWith: stranger)), HttpStatusCode.Unauthorized, "invalid_client");
        await Json.ProblemAsync(await partner.RequestTokenAsync(partner.CreateAssertion(notBefore: DateTime.UtcNow.AddMinutes(2))), HttpStatusCode.Unauthorized, "invalid_client");
    }

    [Fact]
    public async Task An_organization_that_is_not_active_gets_no_token()
    {
        var pending = await TestPartner.RegisterAsync(Silo, "publisher", activate: false);

        await Json.ProblemAsync(await pending.RequestTokenAsync(pending.CreateAssertion()), HttpStatusCode.Forbidden, "organization_not_active");
    }

    [Fact]
    public async Task Wrong_grant_types_are_refused_with_oauth_errors()
    {
        var response = await Silo.Anonymous.PostAsync("/api/v1/auth/token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password" }));

        var problem = await Json.ProblemAsync(response, HttpStatusCode.BadRequest, "unsupported_grant_type");
        Assert.Equal("unsupported_grant_type", problem["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_partner_registered_twice_under_one_mic_is_refused()
    {
        var mo = await TestPartner.RegisterAsync(Silo, "mo");
        var existing = await Json.ReadAsync(await Silo.Admin.GetAsync($"/api/v1/organizations/mo/{mo.Id}"), HttpStatusCode.OK);
        var body = new { name = "Copycat", mic = existing["mic"]!.GetValue<string>(), keys = new[] { mo.Key.PublicKey.ToPublicJwk() } };

        await Json.ProblemAsync(await Silo.Admin.PostAsJsonAsync("/api/v1/organizations/mo", body), HttpStatusCode.Conflict, "mic_taken");
    }
}
