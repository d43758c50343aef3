using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Moneta.Api.Auth;

/// <summary>
/// The JwtBearer handler's token handler, remembering the access tokens it has verified. A partner sends the same
/// token, issued by this Moneta and valid ten minutes, with every request: verifying its ES256 signature each time
/// was a third of a signing step's cryptography. A token is remembered by its exact text, so only the very token
/// that verified matches, and only until it expires on Moneta's clock; the issuer is compared on every request,
/// and the organization's standing is still read on every request (<see cref="MonetaBearer"/>), so a suspension
/// needs no eviction.
/// </summary>
internal sealed class RememberedAccessTokens(MonetaAuthOptions auth, TimeProvider clock) : JsonWebTokenHandler
{
    /// <summary>Tokens of about a thousand partners, each renewing every few minutes; beyond that, the expired go first.</summary>
    private const int Capacity = 50_000;

    private readonly ConcurrentDictionary<string, Verified> _verified = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_verified.TryGetValue(token, out var known))
        {
            if (known.Issuer == auth.Issuer && Lifetime.IsCurrent(known.Token.ValidTo, clock.GetUtcNow(), validationParameters.ClockSkew))
                return new TokenValidationResult { IsValid = true, SecurityToken = known.Token, ClaimsIdentity = known.Identity.Clone(), Issuer = known.Issuer, TokenType = known.Token.Typ };
            _verified.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken verified)
            Remember(token, new Verified(verified, result.ClaimsIdentity, auth.Issuer));
        return result;
    }

    private void Remember(string token, Verified verified)
    {
        if (_verified.Count >= Capacity)
        {
            var now = clock.GetUtcNow();
            foreach (var (text, entry) in _verified)
            {
                if (!Lifetime.IsCurrent(entry.Token.ValidTo, now, TimeSpan.Zero))
                    _verified.TryRemove(text, out _);
            }

            if (_verified.Count >= Capacity) _verified.Clear();
        }

        _verified[token] = verified;
    }

    private sealed record Verified(JsonWebToken Token, ClaimsIdentity Identity, string Issuer);
}
