using System.Security.Cryptography;
using System.Text;

namespace Moneta.Api.Auth;

public sealed class MonetaAuthOptions
{
    /// <summary>Moneta's issuer URL: the <c>iss</c> of access tokens and the <c>aud</c> partners put in client assertions.</summary>
    public string Issuer { get; set; } = "http://localhost:5080";

    /// <summary>Bearer token for administration (configuration key Moneta:AdminToken).</summary>
    public string AdminToken { get; set; } = "";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest <see cref="MaxAssertionLifetime"/> the protocol allows (RFC 7523 says short; we say five minutes).</summary>
    public static readonly TimeSpan AssertionLifetimeLimit = TimeSpan.FromMinutes(5);

    /// <summary>A client assertion may be valid for at most this long; configurable down, never above <see cref="AssertionLifetimeLimit"/>.</summary>
    public TimeSpan MaxAssertionLifetime { get; set; } = AssertionLifetimeLimit;

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public string TokenEndpoint => Issuer.TrimEnd('/') + "/api/v1/auth/token";

    public string JwksUri => Issuer.TrimEnd('/') + "/.well-known/jwks.json";

    /// <summary>Constant-time comparison of hashes: the admin token's length and content do not leak through timing.</summary>
    public bool IsAdminToken(string token) =>
        AdminToken.Length > 0 && CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(token)), SHA256.HashData(Encoding.UTF8.GetBytes(AdminToken)));
}
