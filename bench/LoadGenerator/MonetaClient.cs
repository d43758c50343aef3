using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moneta.Crypto;

namespace Moneta.LoadGenerator;

/// <summary>An MO or a publisher taking part in the run: its organization id and its ES256 key.</summary>
internal sealed class Party(string kind, string id, SigningKey key) : IDisposable
{
    // One ECDsa per party for the whole run: IdentityModel caches signature providers per key, so the instance
    // behind a key it has seen must stay alive.
    private readonly ECDsa _assertionKey = key.CreatePrivateAlgorithm();

    public string Kind { get; } = kind;

    public string Id { get; } = id;

    public SigningKey Key { get; } = key;

    public SigningCredentials AssertionCredentials => new(new ECDsaSecurityKey(_assertionKey) { KeyId = Key.Kid }, SecurityAlgorithms.EcdsaSha256);

    public void Dispose()
    {
        _assertionKey.Dispose();
        Key.Dispose();
    }
}

/// <summary>Thrown when a setup request does not answer as expected; the run cannot start.</summary>
internal sealed class SetupException(string message) : Exception(message);

/// <summary>The calls the load generator makes outside the measured loop: discovery, registration, tokens.</summary>
internal sealed class MonetaClient(HttpClient http, string adminToken)
{
    public const string JsonMediaType = "application/json";
    private const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    private readonly JsonWebTokenHandler _jwtHandler = new() { SetDefaultTimesOnTokenCreation = false };

    public async Task<string> GetIssuerAsync(CancellationToken cancellationToken)
    {
        var discovery = await SendAsync(HttpMethod.Get, ".well-known/openid-configuration", null, null, HttpStatusCode.OK, cancellationToken);
        return discovery.TryGetProperty("issuer", out var issuer) && issuer.ValueKind == JsonValueKind.String
            ? issuer.GetString()!
            : throw new SetupException("The discovery document has no issuer.");
    }

    /// <summary>Registers an organization with a fresh key and activates it.</summary>
    public async Task<Party> CreateActivePartyAsync(string kind, string name, string? mic, CancellationToken cancellationToken)
    {
        var key = SigningKey.Generate();
        var body = new JsonObject { ["name"] = name };
        if (mic is not null)
            body["mic"] = mic;
        body["keys"] = new JsonArray(key.PublicKey.ToPublicJwk());

        var created = await SendAsync(HttpMethod.Post, $"api/v1/organizations/{kind}", body, adminToken, HttpStatusCode.Created, cancellationToken);
        var id = created.GetProperty("id").GetString()!;
        var activated = await SendAsync(HttpMethod.Put, $"api/v1/organizations/{kind}/{id}/status", new JsonObject { ["status"] = "active" }, adminToken, HttpStatusCode.OK, cancellationToken);
        if (activated.GetProperty("status").GetString() != "active")
            throw new SetupException($"The {kind} {id} did not become active.");
        return new Party(kind, id, key);
    }

    public Task RegisterWebhookAsync(Party party, Uri url, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, $"api/v1/organizations/{party.Kind}/{party.Id}/webhooks", new JsonObject { ["url"] = url.ToString() }, adminToken, HttpStatusCode.Created, cancellationToken);

    public async Task<string> IssueMPassAsync(string moId, CancellationToken cancellationToken)
    {
        var mpass = await SendAsync(HttpMethod.Post, "api/v1/mpass", new JsonObject { ["mo_id"] = moId, ["tier"] = "standard" }, adminToken, HttpStatusCode.Created, cancellationToken);
        return mpass.GetProperty("id").GetString()!;
    }

    /// <summary>Client credentials with private_key_jwt (RFC 7523): a two-minute assertion with a unique jti.</summary>
    public async Task<string> GetAccessTokenAsync(Party party, string issuer, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var assertion = _jwtHandler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = party.Id,
            Audience = issuer,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(2),
            Claims = new Dictionary<string, object> { ["sub"] = party.Id, ["jti"] = Guid.NewGuid().ToString("N") },
            SigningCredentials = party.AssertionCredentials,
        });

        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/auth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_assertion_type"] = AssertionType,
                ["client_assertion"] = assertion,
            }),
        };
        var token = await ReadAsync(request, HttpStatusCode.OK, cancellationToken);
        return token.GetProperty("access_token").GetString()!;
    }

    /// <summary>
    /// Grain calls the silo counted, per interface and method, from its Prometheus scrape (GET /metrics, as the
    /// administrator); null if the silo does not publish them (a build from before Orleans).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>?> TryGetGrainCallsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK) return null;
            var calls = new Dictionary<string, long>();
            foreach (var line in (await response.Content.ReadAsStringAsync(cancellationToken)).Split('\n'))
            {
                if (!line.StartsWith("moneta_grain_call_duration_milliseconds_count{", StringComparison.Ordinal)) continue;
                var labels = line[(line.IndexOf('{') + 1)..line.IndexOf('}')];
                var method = Label(labels, "grain_interface") + "." + Label(labels, "method");
                calls[method] = calls.GetValueOrDefault(method) + long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }

            return calls;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException)
        {
            return null;
        }
    }

    /// <summary>
    /// Live grain activations on the silo: Orleans' <c>orleans-catalog-activations</c> gauge from the scrape, or the
    /// home-made runtime's <c>GET /api/v1/admin/metrics/grains</c> on a build from before Orleans; null if neither answers.
    /// </summary>
    public async Task<long?> TryGetActivationsAsync(CancellationToken cancellationToken)
    {
        try
        {
            using (var scrape = new HttpRequestMessage(HttpMethod.Get, "metrics"))
            {
                scrape.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
                using var response = await http.SendAsync(scrape, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (await response.Content.ReadAsStringAsync(cancellationToken)).Split('\n')
                        .Where(line => line.StartsWith("orleans_catalog_activations{", StringComparison.Ordinal) || line.StartsWith("orleans_catalog_activations ", StringComparison.Ordinal))
                        .Sum(line => (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/admin/metrics/grains");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
            using var old = await http.SendAsync(request, cancellationToken);
            if (old.StatusCode != HttpStatusCode.OK) return null;
            using var snapshot = JsonDocument.Parse(await old.Content.ReadAsStreamAsync(cancellationToken));
            return snapshot.RootElement.GetProperty("activations_by_type").EnumerateObject().Sum(type => type.Value.GetInt64());
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static string Label(string labels, string name)
    {
        var start = labels.IndexOf(name + "=\"", StringComparison.Ordinal) + name.Length + 2;
        return start < name.Length + 2 ? "" : labels[start..labels.IndexOf('"', start)];
    }

    public static HttpRequestMessage JsonRequest(HttpMethod method, Uri path, byte[] body, string bearer)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType);
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, JsonNode? body, string? bearer, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonMediaType);
        }

        if (bearer is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return await ReadAsync(request, expected, cancellationToken);
    }

    private async Task<JsonElement> ReadAsync(HttpRequestMessage request, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != expected)
            throw new SetupException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode} (expected {(int)expected}): {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
