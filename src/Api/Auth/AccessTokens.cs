using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moneta.Crypto;

namespace Moneta.Api.Auth;

/// <summary>
/// Moneta's short-lived access tokens: ES256 JWTs signed with Moneta's own key, naming the organization. The
/// validation rules are handed to ASP.NET Core's JwtBearer handler (<see cref="MonetaBearer"/>).
/// </summary>
public sealed class AccessTokens
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly MonetaAuthOptions _auth;
    private readonly TimeProvider _clock;
    private readonly SigningCredentials _credentials;

    public AccessTokens(MonetaAuthOptions auth, MonetaKeys monetaKeys, TimeProvider clock)
    {
        _auth = auth;
        _clock = clock;
        var signing = monetaKeys.Signing;
        _credentials = new SigningCredentials(new ECDsaSecurityKey(signing.CreatePrivateAlgorithm()) { KeyId = signing.Kid }, SecurityAlgorithms.EcdsaSha256);
        Validation = new TokenValidationParameters
        {
            // Read at each validation: in development the issuer is the address the silo turned out to listen on.
            IssuerValidator = (issuer, _, _) => issuer == _auth.Issuer ? issuer : throw new SecurityTokenInvalidIssuerException("The token was not issued by this Moneta.") { InvalidIssuer = issuer },
            AudienceValidator = (audiences, _, _) => audiences.Contains(_auth.Issuer),
            // Tokens made by a silo on either side of a key rotation are valid on every silo.
            IssuerSigningKeys = [.. monetaKeys.Published.Select(key => new ECDsaSecurityKey((System.Security.Cryptography.ECDsa)key.CreateAlgorithm()) { KeyId = key.Kid })],
            TryAllIssuerSigningKeys = false,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            ValidTypes = ["at+jwt"],
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = auth.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, parameters) => Lifetime.Check(notBefore, expires, _clock.GetUtcNow(), parameters.ClockSkew),
            NameClaimType = "sub",
        };
    }

    /// <summary>What a Moneta access token must be: our ES256 key, issuer and audience, <c>typ</c> at+jwt, current on Moneta's clock.</summary>
    public TokenValidationParameters Validation { get; }

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
}

internal static class Lifetime
{
    /// <summary>Whether a token that expires at <paramref name="expires"/> is still current at <paramref name="now"/>, within the skew.</summary>
    public static bool IsCurrent(DateTime expires, DateTimeOffset now, TimeSpan skew) => now.UtcDateTime - skew < expires;

    /// <summary>
    /// True when current at <paramref name="now"/> within the skew; otherwise throws the exception that says which
    /// end failed, so a refusal can say "expired at ..." rather than "invalid".
    /// </summary>
    public static bool Check(DateTime? notBefore, DateTime? expires, DateTimeOffset now, TimeSpan skew)
    {
        if (expires is not { } exp) throw new SecurityTokenNoExpirationException("The token has no exp.");
        if (!IsCurrent(exp, now, skew)) throw new SecurityTokenExpiredException("The token has expired.") { Expires = exp };
        if (notBefore is { } nbf && nbf > now.UtcDateTime + skew) throw new SecurityTokenNotYetValidException("The token is not valid yet.") { NotBefore = nbf };
        return true;
    }
}
