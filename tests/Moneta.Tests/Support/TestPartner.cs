using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moneta.Crypto;

namespace Moneta.Tests.Support;

/// <summary>A partner organization as a partner would run it: its own ES256 key, its own tokens, its own signatures.</summary>
public sealed class TestPartner
{
    private TestPartner(ISiloEndpoint silo, string id, string kind, SigningKey key)
    {
        Silo = silo;
        Id = id;
        Kind = kind;
        Key = key;
    }

    public ISiloEndpoint Silo { get; }

    public string Id { get; }

    public string Kind { get; }

    public SigningKey Key { get; }

    /// <summary>An HTTP client authenticated with a fresh access token (set by <see cref="SignInAsync"/>).</summary>
    public HttpClient Http { get; private set; } = null!;

    public string AccessToken { get; private set; } = "";

    /// <summary>Registered by the administrator, activated, and signed in.</summary>
    public static async Task<TestPartner> RegisterAsync(ISiloEndpoint silo, string kind, bool activate = true)
    {
        var key = SigningKey.Generate();
        var body = new JsonObject { ["name"] = $"Test {kind} {Guid.NewGuid():N}", ["keys"] = new JsonArray(key.PublicKey.ToPublicJwk()) };
        if (kind == "mo") body["mic"] = "MIC" + Guid.NewGuid().ToString("N")[..10].ToUpperInvariant();

        var created = await Json.ReadAsync(await silo.Admin.PostAsJsonAsync($"/api/v1/organizations/{kind}", body), HttpStatusCode.Created);
        var partner = new TestPartner(silo, created["id"]!.GetValue<string>(), kind, key);
        if (!activate) return partner;

        await Json.ReadAsync(await silo.Admin.PutAsJsonAsync($"/api/v1/organizations/{kind}/{partner.Id}/status", new { status = "active" }), HttpStatusCode.OK);
        await partner.SignInAsync();
        return partner;
    }

    /// <summary>The same organization, with the same key, as a client of another silo (one restarted on the same data).</summary>
    public async Task<TestPartner> OnAsync(ISiloEndpoint silo)
    {
        var partner = new TestPartner(silo, Id, Kind, Key);
        await partner.SignInAsync();
        return partner;
    }

    public async Task SignInAsync()
    {
        var response = await RequestTokenAsync(CreateAssertion());
        var token = await Json.ReadAsync(response, HttpStatusCode.OK);
        AccessToken = token["access_token"]!.GetValue<string>();
        Http = Silo.NewClient(AccessToken);
    }

    public Task<HttpResponseMessage> RequestTokenAsync(string assertion) =>
        Silo.Anonymous.PostAsync("/api/v1/auth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        }));

    /// <summary>An RFC 7523 client assertion; every part can be bent for the hardening tests.</summary>
    public string CreateAssertion(string? jti = null, TimeSpan? lifetime = null, string? audience = null, string? issuer = null, SigningKey? signWith = null, DateTime? notBefore = null)
    {
        var key = signWith ?? Key;
        var now = notBefore ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Id,
            Audience = audience ?? TestSilo.Issuer,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(2)),
            Claims = new Dictionary<string, object> { ["sub"] = issuer ?? Id, ["jti"] = jti ?? Guid.NewGuid().ToString("N") },
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key.CreatePrivateAlgorithm()) { KeyId = key.Kid }, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>Signs a step exactly as docs/protocol.md says: JCS of the terms, signer and previous signature, as a detached JWS.</summary>
    public string Sign(JsonNode contract, string role, string? previous, SigningKey? signWith = null) =>
        DetachedJws.Sign(signWith ?? Key, JsonCanonicalizer.Canonicalize(SigningInput(contract, role, previous)));

    public static JsonObject SigningInput(JsonNode contract, string role, string? previous) => new()
    {
        ["contract_id"] = contract["contract_id"]!.DeepClone(),
        ["template_id"] = contract["template_id"]!.DeepClone(),
        ["template_version"] = contract["template_version"]!.DeepClone(),
        ["mo_id"] = contract["mo_id"]!.DeepClone(),
        ["publisher_id"] = contract["publisher_id"]!.DeepClone(),
        ["mpass_id"] = contract["mpass_id"]?.DeepClone(), // null for a contract that names no mPass
        ["payload"] = contract["payload"]!.DeepClone(),
        ["signer"] = role,
        ["previous"] = previous,
    };

    public void UseToken(string token) => Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
}

public static class Json
{
    /// <summary>Reads the body as JSON after checking the status (the body is in the failure message).</summary>
    public static async Task<JsonNode> ReadAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Asserts a problem response: status, media type and the stable code.</summary>
    public static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await ReadAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, problem["code"]?.GetValue<string>());
        return problem;
    }

    public static StringContent Raw(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static JsonElement Element(object value) => JsonSerializer.SerializeToElement(value);
}

public static class Unavailable
{
    /// <summary>
    /// Sends the same request again while Moneta answers 503 (a silo has just died and the cluster is moving its
    /// grains), as a client is told to: every step is idempotent, so a retry never applies anything twice.
    /// </summary>
    public static async Task<HttpResponseMessage> RetriedAsync(Func<Task<HttpResponseMessage>> send, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline) return response;
            response.Dispose();
            await Task.Delay(100);
        }
    }
}

public static class Eventually
{
    /// <summary>Waits for a condition with a deadline; never a fixed sleep.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Condition not met in time: {because}");
            await Task.Delay(25);
        }
    }
}
