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
}

/// <summary>A request to register an MO or a publisher. <see cref="Keys"/> are public JWKs.</summary>
public sealed record OrganizationRegistration(string Kind, string Name, string? Mic, IReadOnlyList<JsonElement> Keys);

/// <summary>A partner's public key as Moneta holds it: the JWK and when it became valid.</summary>
public sealed record OrganizationKey(string Kid, string Alg, JsonElement Jwk, string Status, DateTimeOffset AddedAt);

public sealed record OrganizationView(
    string Id,
    string Kind,
    string Name,
    string? Mic,
    string Status,
    IReadOnlyList<OrganizationKey> Keys,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsActive => Status == OrganizationStatuses.Active;
}
