using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Moneta.Crypto;
using Moneta.Organizations;

namespace Moneta.Api.Auth;

/// <summary>
/// RFC 7523 client authentication: the partner signs a short JWT with its registered key. We check the signature
/// with the key its kid names, which must be valid at this instant (its not_before/not_after window, not retired,
/// not revoked) and registered with the assertion's alg (ES256, RS256, PS256: never "none", never HMAC); iss = sub =
/// the organization, aud = our issuer, a lifetime of at most five minutes, and a jti never seen before.
/// Every refusal says which of these failed (nothing secret: the partner sent the assertion) and is logged, without
/// the assertion, with the organization and the trace id, so an operator can help.
/// </summary>
public sealed class ClientAssertions(
    MonetaAuthOptions auth,
    IGrainFactory grains,
    PartnerKeyCache partnerKeys,
    TimeProvider clock,
    [FromKeyedServices(WallClock.Key)] TimeProvider wallClock,
    ILogger<ClientAssertions> logger)
{
    private static readonly string[] AcceptedAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256];
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>The authenticated organization.</summary>
    /// <exception cref="DomainException">invalid_client, organization_not_active or assertion_replayed.</exception>
    public async Task<OrganizationView> AuthenticateAsync(string assertion)
    {
        string? organizationId = null;
        try
        {
            var unverified = ReadUnverified(assertion);
            organizationId = unverified.Issuer;
            var organization = await AuthenticateAsync(unverified, assertion);
            return organization;
        }
        catch (DomainException refusal)
        {
            logger.LogWarning("Token request refused for organization {OrganizationId} ({Code}): {Reason} trace_id={TraceId}",
                Ids.IsValid(organizationId) ? organizationId : "(not an id)", refusal.Code, refusal.Message, Activity.Current?.TraceId.ToString());
            throw;
        }
    }

    private async Task<OrganizationView> AuthenticateAsync(JsonWebToken unverified, string assertion)
    {
        var organizationId = unverified.Issuer;
        if (!Ids.IsValid(organizationId)) throw Invalid("The client_assertion's iss must be your organization id.");
        var organization = await grains.GetGrain<IOrganizationGrain>(organizationId).Find()
            ?? throw Invalid($"The client_assertion's iss '{organizationId}' names no organization.");

        // Keys are judged on Moneta's clock (as for contract signatures); the assertion's lifetime on the wall clock,
        // which is the one the partner signed it by (they differ only while a sandbox clock is advanced).
        var key = KeyNamedBy(unverified, organization, clock.GetUtcNow());
        var result = await _handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = organizationId,
            ValidAudiences = [auth.Issuer, auth.TokenEndpoint],
            IssuerSigningKey = ToSecurityKey(partnerKeys.Get(key.Jwk)),
            ValidAlgorithms = [key.Alg],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            TryAllIssuerSigningKeys = false,
            ClockSkew = auth.ClockSkew,
            LifetimeValidator = (notBefore, expires, _, parameters) => Lifetime.Check(notBefore, expires, wallClock.GetUtcNow(), parameters.ClockSkew),
        });
        if (!result.IsValid) throw Invalid(Describe(result.Exception, key));

        var token = (JsonWebToken)result.SecurityToken;
        if (token.Subject != organizationId) throw Invalid("The client_assertion's sub must equal its iss (your organization id).");
        if (token.ValidTo > wallClock.GetUtcNow().UtcDateTime + auth.MaxAssertionLifetime + auth.ClockSkew)
            throw Invalid($"The client_assertion's exp may be at most {auth.MaxAssertionLifetime.TotalMinutes:0} minutes ahead.");
        if (!Ids.IsValid(token.Id)) throw Invalid("The client_assertion needs a jti (1 to 128 letters, digits, '-', '_', '.', ':').");
        if (!organization.IsActive)
            throw DomainException.Forbidden(ErrorCodes.OrganizationNotActive, $"Organization '{organizationId}' is {organization.Status}; only active organizations obtain tokens.");

        // Remembered until the assertion could no longer pass the lifetime check above (exp plus the allowed skew).
        if (!await grains.GetGrain<IClientAssertionGrain>($"{organizationId}:{token.Id}").TryUse(token.ValidTo + auth.ClockSkew))
            throw DomainException.Invalid(ErrorCodes.AssertionReplayed, "This client_assertion (its jti) was already used; sign a new one.");
        return organization;
    }

    /// <summary>The organization's key the header's kid names, if it authenticates now; otherwise why not.</summary>
    private static OrganizationKey KeyNamedBy(JsonWebToken unverified, OrganizationView organization, DateTimeOffset now)
    {
        var kid = unverified.TryGetHeaderValue<string>("kid", out var named) ? named : null;
        if (string.IsNullOrEmpty(kid)) throw Invalid("The client_assertion's header needs the kid of one of your registered keys.");
        var key = organization.Keys.FirstOrDefault(k => k.Kid == kid)
            ?? throw Invalid($"Organization '{organization.Id}' has no key '{kid}'; register it first (POST .../keys) or sign with a registered kid.");
        if (!key.IsValidAt(now))
            throw Invalid($"Key '{kid}' is not valid now ({WhyNotValid(key, now)}); sign with a key that is.");
        if (unverified.Alg != key.Alg)
            throw Invalid($"Key '{kid}' is registered for {key.Alg}; the client_assertion's alg is {unverified.Alg}.");
        return key;
    }

    private static string WhyNotValid(OrganizationKey key, DateTimeOffset now) => key switch
    {
        { RevokedAt: { } revoked } when now >= revoked => $"revoked at {revoked:O}",
        { RetiredAt: { } retired } when now >= retired => $"retired at {retired:O}",
        { NotAfter: { } notAfter } when now >= notAfter => $"its not_after {notAfter:O} has passed",
        _ => $"its not_before is {key.NotBefore ?? key.AddedAt:O}",
    };

    private string Describe(Exception? failure, OrganizationKey key) => failure switch
    {
        SecurityTokenExpiredException expired => $"The client_assertion expired at {expired.Expires:O} (Moneta's time {wallClock.GetUtcNow():O}); sign a new one with exp a minute or two ahead.",
        SecurityTokenNotYetValidException early => $"The client_assertion is not valid before {early.NotBefore:O} (Moneta's time {wallClock.GetUtcNow():O}); check your clock.",
        SecurityTokenNoExpirationException => "The client_assertion needs an exp claim (at most 5 minutes ahead).",
        SecurityTokenInvalidAudienceException => $"The client_assertion's aud must be Moneta's issuer, {auth.Issuer} (see /.well-known/openid-configuration).",
        SecurityTokenInvalidIssuerException => "The client_assertion's iss must be your organization id.",
        SecurityTokenInvalidAlgorithmException => $"Key '{key.Kid}' is registered for {key.Alg}; sign the client_assertion with that algorithm.",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException =>
            $"The client_assertion's signature does not verify with key '{key.Kid}' ({key.Alg}): it was signed with another private key.",
        _ => "The client_assertion did not validate: check its signature and kid, iss, aud and exp.",
    };

    /// <summary>The assertion read before verification, only to find whose key to verify with.</summary>
    private JsonWebToken ReadUnverified(string assertion)
    {
        try
        {
            if (_handler.CanReadToken(assertion)) return _handler.ReadJsonWebToken(assertion);
        }
        catch (ArgumentException)
        {
            // IdentityModel throws on undecodable parts; to the partner that is simply not a JWT.
        }

        throw Invalid("The client_assertion is not a JWT (three base64url parts separated by dots).");
    }

    private static AsymmetricSecurityKey ToSecurityKey(PartnerKey key) => key.CreateAlgorithm() switch
    {
        System.Security.Cryptography.ECDsa ec => new ECDsaSecurityKey(ec) { KeyId = key.Kid },
        System.Security.Cryptography.RSA rsa => new RsaSecurityKey(rsa) { KeyId = key.Kid },
        _ => throw new InvalidOperationException($"Unsupported key type {key.KeyType}."),
    };

    private static DomainException Invalid(string message) => new(ErrorKind.Unauthorized, ErrorCodes.InvalidClient, message);
}

/// <summary>
/// The real time, for what is compared with partners' own clocks (client-assertion lifetimes, webhook timestamps),
/// as opposed to Moneta's clock, which a sandbox may advance (docs/protocol.md section 11).
/// </summary>
public static class WallClock
{
    public const string Key = "moneta.wall_clock";
}
