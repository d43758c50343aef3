using System.Buffers.Text;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.Client;

/// <summary>
/// A client of Moneta's API for one caller: an organization (tokens by private_key_jwt, cached until shortly before
/// they expire) or an operator (the admin token). Every write carries an Idempotency-Key, and a 429, a 503 or a
/// broken connection is retried with backoff under that same key, so a retry never does a thing twice. A refusal is a
/// <see cref="MonetaProblemException"/> carrying the problem's <c>code</c>.
/// </summary>
public sealed class MonetaClient : IDisposable
{
    private const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private const string TokenPath = "/api/v1/auth/token";

    private readonly HttpClient _http;
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private Discovery? _discovery;
    private (string Token, DateTimeOffset RenewAt)? _token;

    public MonetaClient(MonetaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AdminToken is null && (options.OrganizationId is null || options.SigningKey is null))
            throw new ArgumentException("Give either an OrganizationId with its SigningKey, or an AdminToken.", nameof(options));
        Options = options;
        _http = options.Handler is null ? new HttpClient() : new HttpClient(options.Handler, disposeHandler: false);
        _http.BaseAddress = options.BaseAddress;
        Organizations = new OrganizationsClient(this);
        MPasses = new MPassesClient(this);
        Contracts = new ContractsClient(this);
        Webhooks = new WebhooksClient(this);
        Sandbox = new SandboxClient(this);
        Disputes = new DisputesClient(this);
        Settlements = new SettlementsClient(this);
    }

    public MonetaClientOptions Options { get; }

    public OrganizationsClient Organizations { get; }

    public MPassesClient MPasses { get; }

    public ContractsClient Contracts { get; }

    public WebhooksClient Webhooks { get; }

    /// <summary>Disputes of charges (docs/protocol.md section 12).</summary>
    public DisputesClient Disputes { get; }

    /// <summary>Settlement batches (docs/protocol.md section 13).</summary>
    public SettlementsClient Settlements { get; }

    /// <summary>The sandbox clock (administrator; Development and Sandbox environments only).</summary>
    public SandboxClient Sandbox { get; }

    /// <summary>An access token for the organization (from the cache while it has more than the renewal margin left).</summary>
    public async Task<string> GetAccessTokenAsync(CancellationToken cancellationToken = default)
    {
        if (Options.AdminToken is { } admin) return admin;
        await _tokenLock.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } cached && DateTimeOffset.UtcNow < cached.RenewAt) return cached.Token;
            var discovery = _discovery ??= await SendAsync<Discovery>(HttpMethod.Get, "/.well-known/openid-configuration", null, authenticate: false, cancellationToken: cancellationToken);
            using var form = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_assertion_type"] = JwtBearerAssertionType,
                ["client_assertion"] = ClientAssertion(discovery.Issuer),
            });
            // Requests go to BaseAddress (which may be an internal address of the same Moneta); discovery gives the
            // issuer, which the assertion must name as its audience.
            using var response = await _http.PostAsync(TokenPath, form, cancellationToken);
            if (!response.IsSuccessStatusCode) throw await MonetaProblemException.ReadAsync(response, cancellationToken);
            var token = (await response.Content.ReadFromJsonAsync<TokenResponse>(Wire.Json, cancellationToken))!;
            _token = (token.AccessToken, DateTimeOffset.UtcNow + TimeSpan.FromSeconds(token.ExpiresIn) - Options.TokenRenewalMargin);
            return token.AccessToken;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    /// <summary>The public keys Moneta signs with, to verify its countersignatures yourself.</summary>
    public async Task<IReadOnlyList<PartnerKey>> GetMonetaKeysAsync(CancellationToken cancellationToken = default)
    {
        var jwks = await SendAsync<JsonObject>(HttpMethod.Get, "/.well-known/jwks.json", null, authenticate: false, cancellationToken: cancellationToken);
        return [.. jwks["keys"]!.AsArray().Select(key => PartnerKey.Parse(JsonSerializer.SerializeToElement(key)))];
    }

    public void Dispose()
    {
        _http.Dispose();
        _tokenLock.Dispose();
    }

    /// <summary>
    /// Sends a request and reads the answer. A write gets an Idempotency-Key (the caller's, or a new one) that every
    /// retry reuses; 429, 503, 409 idempotency_key_in_use and connection failures are retried with backoff (Retry-After
    /// when Moneta sends it); an expired token is renewed once.
    /// </summary>
    internal async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, string? idempotencyKey = null, bool authenticate = true, CancellationToken cancellationToken = default)
    {
        var isWrite = method != HttpMethod.Get;
        var key = isWrite ? idempotencyKey ?? Guid.NewGuid().ToString() : null;
        var content = body is null ? null : body is JsonNode node ? Encoding.UTF8.GetBytes(node.ToJsonString()) : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Wire.Json);
        var renewedToken = false;
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, path);
            if (content is not null) request.Content = new ByteArrayContent(content) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            if (key is not null) request.Headers.Add("Idempotency-Key", key);
            if (authenticate) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await GetAccessTokenAsync(cancellationToken));

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < Options.MaxAttempts)
            {
                await Task.Delay(Backoff(attempt, null), cancellationToken);
                continue;
            }

            using (response)
            {
                if (response.IsSuccessStatusCode)
                {
                    if (typeof(T) == typeof(NoContent) || response.StatusCode == HttpStatusCode.NoContent) return default!;
                    return (await response.Content.ReadFromJsonAsync<T>(Wire.Json, cancellationToken))!;
                }

                var problem = await MonetaProblemException.ReadAsync(response, cancellationToken);
                if (problem.Code == "invalid_token" && authenticate && Options.AdminToken is null && !renewedToken)
                {
                    // Expired (or Moneta's sandbox clock moved on): one new token, and the same request again.
                    renewedToken = true;
                    _token = null;
                    attempt--;
                    continue;
                }

                var retryable = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable || problem.Code == "idempotency_key_in_use";
                if (!retryable || attempt >= Options.MaxAttempts) throw problem;
                await Task.Delay(Backoff(attempt, response.Headers.RetryAfter), cancellationToken);
            }
        }
    }

    /// <summary>Follows next_cursor through every page of a list.</summary>
    internal async IAsyncEnumerable<T> PagesAsync<T>(string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? cursor = null;
        do
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            var page = await SendAsync<Page<T>>(HttpMethod.Get, cursor is null ? path : $"{path}{separator}cursor={Uri.EscapeDataString(cursor)}", null, cancellationToken: cancellationToken);
            foreach (var item in page.Items) yield return item;
            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    /// <summary>The role this client signs as: its organization's kind (mo or publisher).</summary>
    internal SigningKey RequireSigningKey() =>
        Options.SigningKey ?? throw new InvalidOperationException("Signing a contract step needs an organization's SigningKey; the administrator does not sign contracts.");

    internal string RequireOrganizationId() =>
        Options.OrganizationId ?? throw new InvalidOperationException("This call is made by an organization; set OrganizationId and SigningKey.");

    private TimeSpan Backoff(int attempt, RetryConditionHeaderValue? retryAfter)
    {
        var wait = retryAfter?.Delta ?? TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt - 1) * (0.8 + (0.4 * Random.Shared.NextDouble())));
        return wait < Options.MaxRetryDelay ? wait : Options.MaxRetryDelay;
    }

    /// <summary>An RFC 7523 client assertion: iss = sub = the organization, aud = Moneta's issuer, two minutes, a new jti.</summary>
    private string ClientAssertion(string issuer)
    {
        var key = RequireSigningKey();
        var organizationId = RequireOrganizationId();
        var now = DateTimeOffset.UtcNow;
        var header = new JsonObject { ["alg"] = key.Algorithm, ["kid"] = key.Kid, ["typ"] = "JWT" };
        var claims = new JsonObject
        {
            ["iss"] = organizationId,
            ["sub"] = organizationId,
            ["aud"] = issuer,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(2).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(),
        };
        var signingInput = $"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        return $"{signingInput}.{Base64Url.EncodeToString(key.Sign(Encoding.ASCII.GetBytes(signingInput)))}";
    }

    internal sealed record NoContent;
}
