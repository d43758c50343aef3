using Moneta.Crypto;

namespace Moneta.Client;

/// <summary>Where Moneta is and who is calling: an organization with its signing key, or an operator with the admin token.</summary>
public sealed class MonetaClientOptions
{
    /// <summary>Moneta's base URL, e.g. https://moneta.example (the token endpoint is found by discovery).</summary>
    public required Uri BaseAddress { get; init; }

    /// <summary>The calling organization's id (the client assertion's iss and sub). Set with <see cref="SigningKey"/>.</summary>
    public string? OrganizationId { get; init; }

    /// <summary>The organization's private ES256 key, registered with Moneta under its kid: signs client assertions and contract steps.</summary>
    public SigningKey? SigningKey { get; init; }

    /// <summary>Moneta's admin token, for operators; instead of an organization and key.</summary>
    public string? AdminToken { get; init; }

    /// <summary>How often a request is sent at most when Moneta answers 429 or 503, or the connection fails (with backoff, one Idempotency-Key).</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <summary>A token is renewed this long before it expires.</summary>
    public TimeSpan TokenRenewalMargin { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest wait between two attempts, whatever Retry-After says.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Optional: the handler under the client's HttpClient (proxies, test servers).</summary>
    public HttpMessageHandler? Handler { get; init; }
}
