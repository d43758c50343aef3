using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Moneta.Api.Auth;

/// <summary>
/// An operator's browser session for the Orleans Dashboard, opened by presenting the admin token once. The cookie
/// value is its expiry and a random nonce, authenticated with a key derived from the admin token: every silo can
/// check it without shared session state, and changing the admin token ends every session.
/// </summary>
public sealed class OperatorSession(MonetaAuthOptions auth, TimeProvider clock)
{
    public const string CookieName = "moneta_operator";

    /// <summary>How long a session lasts; an operator signs in again after a working day.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private readonly byte[] _key = HMACSHA256.HashData(Encoding.UTF8.GetBytes(auth.AdminToken), "moneta operator session v1"u8);

    public (string Value, DateTimeOffset ExpiresAt) Open()
    {
        var expiresAt = clock.GetUtcNow() + Lifetime;
        var claims = $"{expiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}";
        return ($"{claims}.{Mac(claims)}", expiresAt);
    }

    public bool IsValid(string? cookie)
    {
        if (cookie is null || cookie.LastIndexOf('.') is var split && split <= 0) return false;
        var (claims, mac) = (cookie[..split], cookie[(split + 1)..]);
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(claims)), Encoding.ASCII.GetBytes(mac))
            && long.TryParse(claims[..claims.IndexOf('.')], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            && clock.GetUtcNow().ToUnixTimeSeconds() < expires;
    }

    private string Mac(string claims) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(claims)));
}
