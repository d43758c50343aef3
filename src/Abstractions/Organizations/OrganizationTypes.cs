using System.Text.Json;

namespace Moneta.Organizations;

public static class OrganizationKinds
{
    public const string Mo = "mo";
    public const string Publisher = "publisher";

    public static bool IsValid(string kind) => kind is Mo or Publisher;
}

public static class OrganizationStatuses
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Destroyed = "destroyed";

    public static readonly string[] All = [Pending, Active, Suspended, Destroyed];
}

public static class KeyStatuses
{
    /// <summary>Signs within its not_before/not_after window.</summary>
    public const string Active = "active";

    /// <summary>Rotated out in the normal course: signatures made before its retirement stay valid.</summary>
    public const string Retired = "retired";

    /// <summary>Compromised or withdrawn: signatures made before its revocation stay valid, none after.</summary>
    public const string Revoked = "revoked";
}

/// <summary>The profile an organization keeps besides its keys: contact details and configuration, and code lists.</summary>
public sealed record OrganizationProfile(string Name, JsonElement? Metadata, IReadOnlyList<string> Services, IReadOnlyList<string> Industries);

/// <summary>A request to register an MO or a publisher. <see cref="Keys"/> are public JWKs.</summary>
public sealed record OrganizationRegistration(string Kind, OrganizationProfile Profile, string? Mic, IReadOnlyList<JsonElement> Keys, string Actor);

public sealed record OrganizationStatusChange(string Status, string Actor, string? Reason);

/// <summary>A public key to add, valid from <see cref="NotBefore"/> (default: now) until <see cref="NotAfter"/> (default: until retired).</summary>
public sealed record NewOrganizationKey(JsonElement Jwk, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter, string Actor);

/// <summary>
/// A partner's public key as Moneta holds it: a certificate in all but format. A signature made at instant t is
/// acceptable with this key only if the key was valid at t (<see cref="IsValidAt"/>); that stays true forever
/// for a signature already accepted, whatever happens to the key later.
/// </summary>
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

public sealed record OrganizationView(
    string Id,
    string Kind,
    string Name,
    string? Mic,
    string Status,
    JsonElement? Metadata,
    IReadOnlyList<string> Services,
    IReadOnlyList<string> Industries,
    IReadOnlyList<OrganizationKey> Keys,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsActive => Status == OrganizationStatuses.Active;

    /// <summary>The key named <paramref name="kid"/> if it may sign at <paramref name="at"/>.</summary>
    public OrganizationKey? KeyValidAt(string? kid, DateTimeOffset at) => Keys.FirstOrDefault(k => k.Kid == kid && k.IsValidAt(at));
}
