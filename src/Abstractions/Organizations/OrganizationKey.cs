using System.Text.Json;

namespace Moneta.Organizations;

/// <summary>
/// A partner's public key as Moneta holds it: a certificate in all but format. A signature made at instant t is
/// acceptable with this key only if the key was valid at t (<see cref="IsValidAt"/>); that stays true forever
/// for a signature already accepted, whatever happens to the key later.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.OrganizationKey")]
public sealed record OrganizationKey(
    string Kid,
    string Alg,
    JsonElement Jwk,
    string Status,
    DateTimeOffset AddedAt,
    DateTimeOffset? NotBefore = null,
    DateTimeOffset? NotAfter = null,
    DateTimeOffset? RetiredAt = null,
    DateTimeOffset? RevokedAt = null,
    string? RevocationReason = null)
{
    public bool IsValidAt(DateTimeOffset at) =>
        at >= (NotBefore ?? AddedAt)
        && (NotAfter is not { } notAfter || at < notAfter)
        && (RetiredAt is not { } retired || at < retired)
        && (RevokedAt is not { } revoked || at < revoked);
}
