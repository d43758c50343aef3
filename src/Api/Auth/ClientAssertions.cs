using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moneta.Crypto;
using Moneta.Organizations;

namespace Moneta.Api.Auth;

/// <summary>
/// RFC 7523 client authentication: the partner signs a short JWT with its registered key. We check the signature
/// against the organization's active keys (only ES256, RS256, PS256: never "none", never HMAC), iss = sub = the
/// organization, aud = our issuer, a lifetime of at most five minutes, and a jti never seen before. The key must be
/// valid at this instant (its not_before/not_after window, not retired, not revoked).
/// </summary>
public sealed class ClientAssertions(MonetaAuthOptions auth, IGrainFactory grains, PartnerKeyCache partnerKeys, TimeProvider clock)
{
    private static readonly string[] AcceptedAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256];
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The authenticated organization.</summary>
    /// <exception cref="DomainException">invalid_client or assertion_replayed.</exception>
    public async Task<OrganizationView> AuthenticateAsync(string assertion)
    {
        var organizationId = ReadUnverifiedIssuer(assertion);
        if (!Ids.IsValid(organizationId)) throw Invalid("The client_assertion's iss must be your organization id.");

        var organization = await grains.GetGrain<IOrganizationGrain>(organizationId).Find();
        if (organization is null) throw Invalid("The client_assertion's iss names no organization.");

        // Only keys valid now (within not_before/not_after, neither retired nor revoked) authenticate.
        var now = clock.GetUtcNow();
        var keys = organization.Keys.Where(k => k.IsValidAt(now))
            .Select(k => (SecurityKey)ToSecurityKey(partnerKeys.Get(k.Jwk)))
            .ToList();
        var result = await _handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = organizationId,
            ValidAudiences = [auth.Issuer, auth.TokenEndpoint],
            IssuerSigningKeys = keys,
            ValidAlgorithms = AcceptedAlgorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            TryAllIssuerSigningKeys = false,
            ClockSkew = auth.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, parameters) => Lifetime.IsCurrent(notBefore, expires, clock.GetUtcNow(), parameters.ClockSkew),
        });
        if (!result.IsValid) throw Invalid("The client_assertion did not validate: check its signature and kid, iss, aud and exp.");

        var token = (JsonWebToken)result.SecurityToken;
        if (organization.Keys.FirstOrDefault(k => k.Kid == token.Kid)?.Alg != token.Alg)
            throw Invalid("The client_assertion's alg must be the algorithm registered with its key.");
        if (token.Subject != organizationId) throw Invalid("The client_assertion's sub must equal its iss.");
        if (token.ValidTo > clock.GetUtcNow().UtcDateTime + auth.MaxAssertionLifetime + auth.ClockSkew)
            throw Invalid($"The client_assertion's exp may be at most {auth.MaxAssertionLifetime.TotalMinutes:0} minutes ahead.");
        if (!Ids.IsValid(token.Id)) throw Invalid("The client_assertion needs a jti (1 to 128 letters, digits, '-', '_', '.', ':').");
        if (!organization.IsActive)
            throw DomainException.Forbidden(ErrorCodes.OrganizationNotActive, $"Organization '{organizationId}' is {organization.Status}; only active organizations obtain tokens.");

        if (!await grains.GetGrain<IClientAssertionGrain>($"{organizationId}:{token.Id}").TryUse(token.ValidTo))
            throw DomainException.Invalid(ErrorCodes.AssertionReplayed, "This client_assertion (its jti) was already used; sign a new one.");
        return organization;
    }

    /// <summary>The issuer, read before verification only to find whose keys to verify with.</summary>
    private string ReadUnverifiedIssuer(string assertion)
    {
        try
        {
            if (_handler.CanReadToken(assertion)) return _handler.ReadJsonWebToken(assertion).Issuer;
        }
        catch (ArgumentException)
        {
            // IdentityModel throws on undecodable parts; to the partner that is simply not a JWT.
        }

        throw Invalid("The client_assertion is not a JWT.");
    }

    private static AsymmetricSecurityKey ToSecurityKey(PartnerKey key) => key.CreateAlgorithm() switch
    {
        System.Security.Cryptography.ECDsa ec => new ECDsaSecurityKey(ec) { KeyId = key.Kid },
        System.Security.Cryptography.RSA rsa => new RsaSecurityKey(rsa) { KeyId = key.Kid },
        _ => throw new InvalidOperationException($"Unsupported key type {key.KeyType}."),
    };

    private static DomainException Invalid(string message) => new(ErrorKind.Unauthorized, ErrorCodes.InvalidClient, message);
}
