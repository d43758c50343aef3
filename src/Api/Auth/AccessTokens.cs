using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moneta.Crypto;

namespace Moneta.Api.Auth;

/// <summary>Moneta's short-lived access tokens: ES256 JWTs signed with Moneta's own key, naming the organization.</summary>
public sealed class AccessTokens
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly MonetaAuthOptions _auth;
    private readonly TimeProvider _clock;
    private readonly SigningCredentials _credentials;
    private readonly TokenValidationParameters _validation;

    public AccessTokens(MonetaAuthOptions auth, MonetaKeys monetaKeys, TimeProvider clock)
    {
        _auth = auth;
        _clock = clock;
        var signing = monetaKeys.Signing;
        _credentials = new SigningCredentials(new ECDsaSecurityKey(signing.CreatePrivateAlgorithm()) { KeyId = signing.Kid }, SecurityAlgorithms.EcdsaSha256);
        _validation = new TokenValidationParameters
        {
            ValidIssuer = auth.Issuer,
            ValidAudience = auth.Issuer,
            // Tokens made by a silo on either side of a key rotation are valid on every silo.
            IssuerSigningKeys = [.. monetaKeys.Published.Select(key => new ECDsaSecurityKey((System.Security.Cryptography.ECDsa)key.CreateAlgorithm()) { KeyId = key.Kid })],
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = ["at+jwt"],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = auth.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, parameters) => Lifetime.IsCurrent(notBefore, expires, _clock.GetUtcNow(), parameters.ClockSkew),
        };
    }

    public (string Token, int ExpiresIn) Issue(string organizationId, string kind)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _auth.Issuer,
            Audience = _auth.Issuer,
            TokenType = "at+jwt",
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _auth.AccessTokenLifetime,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = organizationId,
                [Caller.KindClaim] = kind,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
            SigningCredentials = _credentials,
        });
        return (token, (int)_auth.AccessTokenLifetime.TotalSeconds);
    }

    /// <summary>The organization the token names, or null if the token is not a valid Moneta access token.</summary>
    public async Task<(string OrganizationId, string Kind)?> ValidateAsync(string token)
    {
        var result = await _handler.ValidateTokenAsync(token, _validation);
        if (!result.IsValid) return null;
        return result.Claims.TryGetValue("sub", out var sub) && result.Claims.TryGetValue(Caller.KindClaim, out var kind)
            ? ((string)sub, (string)kind)
            : null;
    }
}

internal static class Lifetime
{
    public static bool IsCurrent(DateTime? notBefore, DateTime? expires, DateTimeOffset now, TimeSpan skew) =>
        expires is { } exp && now.UtcDateTime - skew < exp && (notBefore is not { } nbf || nbf <= now.UtcDateTime + skew);
}
