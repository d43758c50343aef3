using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>Refusals that say what to fix: signature diagnostics, token-endpoint reasons and their log lines, expired tokens.</summary>
public sealed class DiagnosticsTests(DiagnosticsTests.LoggedSilo fixture) : IClassFixture<DiagnosticsTests.LoggedSilo>
{
    private TestSilo Silo => fixture.Silo;

    private CapturedLogs Logs => fixture.Logs;

    /// <summary>A silo whose log lines the tests read.</summary>
    public sealed class LoggedSilo : IAsyncLifetime, IDisposable
    {
        private readonly TempDirectory _directory = new();

        public CapturedLogs Logs { get; } = new();

        public TestSilo Silo { get; private set; } = null!;

        public async Task InitializeAsync() => Silo = await TestSilo.StartAsync(_directory.Path, logs: Logs);

        public async Task DisposeAsync() => await Silo.DisposeAsync();

        public void Dispose()
        {
            Logs.Dispose();
            _directory.Dispose();
        }
    }

    [Fact]
    public async Task An_invalid_signature_names_the_hash_of_the_signing_input_moneta_verified_and_the_key()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        var contract = await scenario.InitiateAsync();
        var expectedInput = JsonCanonicalizer.Canonicalize(TestPartner.SigningInput(contract, "publisher", ContractScenario.MonetaSignature(contract)));
        // The classic mistake: template_version as a string.
        var wrongInput = TestPartner.SigningInput(contract, "publisher", ContractScenario.MonetaSignature(contract));
        wrongInput["template_version"] = "1";
        var wrong = DetachedJws.Sign(scenario.Publisher.Key, JsonCanonicalizer.Canonicalize(wrongInput));

        var problem = await Json.ProblemAsync(await scenario.PublisherSignsAsync(contract, wrong), HttpStatusCode.BadRequest, "invalid_signature");

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(expectedInput)), problem["signing_input_sha256"]!.GetValue<string>());
        Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(JsonCanonicalizer.Canonicalize(wrongInput))), problem["signing_input_sha256"]!.GetValue<string>());
        Assert.Equal(scenario.Publisher.Key.Kid, problem["kid"]!.GetValue<string>());
        Assert.Equal("ES256", problem["alg"]!.GetValue<string>());
    }

    [Fact]
    public async Task Each_kind_of_bad_client_assertion_gets_its_own_description()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        using var stranger = SigningKey.Generate();
        using var impostor = SigningKey.FromPrivateJwk(stranger.ToPrivateJwk().Replace(stranger.Kid, partner.Key.Kid, StringComparison.Ordinal));

        var expired = await DescriptionAsync(partner, partner.CreateAssertion(notBefore: DateTime.UtcNow.AddMinutes(-10), lifetime: TimeSpan.FromMinutes(5)));
        var audience = await DescriptionAsync(partner, partner.CreateAssertion(audience: "https://elsewhere.example"));
        var unknownKid = await DescriptionAsync(partner, partner.CreateAssertion(signWith: stranger));
        var badSignature = await DescriptionAsync(partner, partner.CreateAssertion(signWith: impostor));

        Assert.Contains("expired", expired, StringComparison.Ordinal);
        Assert.Contains(TestSilo.Issuer, audience, StringComparison.Ordinal);
        Assert.Contains($"no key '{stranger.Kid}'", unknownKid, StringComparison.Ordinal);
        Assert.Contains("signature does not verify", badSignature, StringComparison.Ordinal);
        Assert.Equal(4, new[] { expired, audience, unknownKid, badSignature }.Distinct().Count());
    }

    [Fact]
    public async Task An_assertion_signed_with_a_retired_key_says_the_key_is_retired()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        using var next = SigningKey.Generate();
        await Json.ReadAsync(await partner.Http.PostAsJsonAsync($"/api/v1/organizations/mo/{partner.Id}/keys", next.PublicKey.ToPublicJwk()), HttpStatusCode.Created);
        await Json.ReadAsync(await partner.Http.PostAsync($"/api/v1/organizations/mo/{partner.Id}/keys/{partner.Key.Kid}/retire", null), HttpStatusCode.OK);

        var description = await DescriptionAsync(partner, partner.CreateAssertion());

        Assert.Contains($"Key '{partner.Key.Kid}' is not valid now (retired at", description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_token_refusal_is_logged_with_the_organization_and_trace_id_but_not_the_assertion()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "publisher");
        var assertion = partner.CreateAssertion(audience: "https://elsewhere.example");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/auth/token") { Content = TokenForm(assertion) };
        var traceId = ActivityTraceIdHex();
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        await Json.ProblemAsync(await Silo.Anonymous.SendAsync(request), HttpStatusCode.Unauthorized, "invalid_client");

        var line = Assert.Single(Logs.Entries, e => e.Message.Contains("Token request refused", StringComparison.Ordinal) && e.Message.Contains(partner.Id, StringComparison.Ordinal));
        Assert.Contains(traceId, line.Message, StringComparison.Ordinal);
        Assert.Contains("aud", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Logs.Entries, e => e.Message.Contains(assertion.Split('.')[2], StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_access_token_says_that_it_expired()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");
        var key = Silo.Services.GetRequiredService<SigningKey>();
        var past = DateTime.UtcNow.AddHours(-1);
        var expired = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = TestSilo.Issuer,
            Audience = TestSilo.Issuer,
            TokenType = "at+jwt",
            IssuedAt = past,
            NotBefore = past,
            Expires = past.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = partner.Id, ["org_kind"] = "mo" },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key.CreatePrivateAlgorithm()) { KeyId = key.Kid }, SecurityAlgorithms.EcdsaSha256),
        });
        using var client = Silo.NewClient(expired);

        var problem = await Json.ProblemAsync(await client.GetAsync($"/api/v1/organizations/mo/{partner.Id}"), HttpStatusCode.Unauthorized, "invalid_token");

        Assert.Contains("expired at", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<string> DescriptionAsync(TestPartner partner, string assertion)
    {
        var problem = await Json.ProblemAsync(await partner.RequestTokenAsync(assertion), HttpStatusCode.Unauthorized, "invalid_client");
        Assert.Equal(problem["detail"]!.GetValue<string>(), problem["error_description"]!.GetValue<string>());
        return problem["error_description"]!.GetValue<string>();
    }

    private static FormUrlEncodedContent TokenForm(string assertion) => new(new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ["client_assertion"] = assertion,
    });

    private static string ActivityTraceIdHex() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
