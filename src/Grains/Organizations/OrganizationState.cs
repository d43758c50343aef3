using System.Globalization;
using System.Text.Json;
using Moneta.Audit;
using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Grains.Audit;
using Moneta.Organizations;
using Moneta.Webhooks;

namespace Moneta.Grains.Organizations;

/// <summary>An organization as stored. Immutable: every change returns a new state with its audit event appended.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.OrganizationState")]
public sealed record OrganizationState : IIndexedState
{
    [Id(0)]
    public string Kind { get; init; } = "";
    [Id(1)]
    public string Name { get; init; } = "";
    [Id(2)]
    public string? Mic { get; init; }
    [Id(3)]
    public string Status { get; init; } = OrganizationStatuses.Pending;
    [Id(4)]
    public JsonElement? Metadata { get; init; }
    [Id(5)]
    public IReadOnlyList<string> Services { get; init; } = [];
    [Id(6)]
    public IReadOnlyList<string> Industries { get; init; } = [];
    [Id(7)]
    public IReadOnlyList<OrganizationKey> Keys { get; init; } = [];
    [Id(8)]
    public DateTimeOffset CreatedAt { get; init; }
    [Id(9)]
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The recent entries of the audit log; older ones are sealed in <see cref="SealedAuditSegments"/> archive segments.</summary>
    [Id(10)]
    public IReadOnlyList<LifecycleEvent> AuditLog { get; init; } = [];

    [Id(11)]
    public int SealedAuditSegments { get; init; }

    /// <summary>What its webhook endpoints take (kept by the endpoints grain); null in states stored before it was kept.</summary>
    [Id(12)]
    public WebhookInterest? WebhookInterest { get; init; }

    /// <summary>Keys are never removed (they verify past signatures), so their number is bounded instead.</summary>
    public const int MaxKeys = 50;

    /// <summary>The lifecycle from the domain documents; destroyed is final.</summary>
    private static readonly Dictionary<string, string[]> AllowedTransitions = new()
    {
        [OrganizationStatuses.Pending] = [OrganizationStatuses.Active, OrganizationStatuses.Destroyed],
        [OrganizationStatuses.Active] = [OrganizationStatuses.Suspended, OrganizationStatuses.Destroyed],
        [OrganizationStatuses.Suspended] = [OrganizationStatuses.Active, OrganizationStatuses.Destroyed],
        [OrganizationStatuses.Destroyed] = [],
    };

    public OrganizationState MoveTo(OrganizationStatusChange change, DateTimeOffset now)
    {
        if (change.Status == Status) return this;
        if (!AllowedTransitions.ContainsKey(change.Status))
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{change.Status}' is not an organization status; use pending, active, suspended or destroyed.");
        if (!AllowedTransitions[Status].Contains(change.Status))
            throw DomainException.Conflict(ErrorCodes.InvalidStatusTransition, $"An organization that is {Status} cannot become {change.Status}.");
        return (this with { Status = change.Status, UpdatedAt = now })
            .Record("status_changed", now, change.Actor, from: Status, to: change.Status, reason: change.Reason);
    }

    public OrganizationState WithProfile(OrganizationProfile profile, string actor, DateTimeOffset now)
    {
        EnsureNotDestroyed();
        return (this with { Name = profile.Name, Metadata = profile.Metadata, Services = profile.Services, Industries = profile.Industries, UpdatedAt = now })
            .Record("profile_updated", now, actor);
    }

    public OrganizationState WithKey(OrganizationKey key, string actor, DateTimeOffset now)
    {
        EnsureNotDestroyed();
        if (Keys.Count >= MaxKeys)
            throw DomainException.Conflict(ErrorCodes.TooManyKeys, $"An organization holds at most {MaxKeys} keys, retired and revoked ones included (they verify past signatures).");
        if (Keys.Any(k => k.Kid == key.Kid))
            throw DomainException.Conflict(ErrorCodes.DuplicateKid, $"The organization already has a key with kid '{key.Kid}'; give the new key its own kid.");
        return (this with { Keys = [.. Keys, key], UpdatedAt = now })
            .Record("key_added", now, actor, subject: key.Kid, to: KeyStatuses.Active, reason: ValidityOf(key));
    }

    /// <summary>Retiring is for rotation: the key stops signing now. A revoked key stays revoked.</summary>
    public OrganizationState WithKeyRetired(string kid, string actor, DateTimeOffset now)
    {
        var key = KeyOf(kid);
        if (key.Status == KeyStatuses.Retired) return this;
        if (key.Status == KeyStatuses.Revoked)
            throw DomainException.Conflict(ErrorCodes.KeyRevoked, $"Key '{kid}' is revoked; it cannot be retired.");
        return ReplaceKey(key with { Status = KeyStatuses.Retired, RetiredAt = now }, now)
            .Record("key_retired", now, actor, subject: kid, from: key.Status, to: KeyStatuses.Retired);
    }

    /// <summary>Revoking is for a compromised key: from now on nothing it signs is accepted. A retired key may be revoked too.</summary>
    public OrganizationState WithKeyRevoked(string kid, string reason, string actor, DateTimeOffset now)
    {
        var key = KeyOf(kid);
        if (key.Status == KeyStatuses.Revoked) return this;
        return ReplaceKey(key with { Status = KeyStatuses.Revoked, RevokedAt = now, RevocationReason = reason }, now)
            .Record("key_revoked", now, actor, subject: kid, from: key.Status, to: KeyStatuses.Revoked, reason: reason);
    }

    public IEnumerable<IndexEntry> GetIndexEntries()
    {
        var created = CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
        yield return new IndexEntry("kind", Kind, created);
        yield return new IndexEntry("kind_status", $"{Kind}/{Status}", created);
    }

    public OrganizationView ToView(string id) => new(id, Kind, Name, Mic, Status, Metadata, Services, Industries, Keys, CreatedAt, UpdatedAt, WebhookInterest);

    public OrganizationState Record(string type, DateTimeOffset at, string actor, string? subject = null, string? from = null, string? to = null, string? reason = null) =>
        this with { AuditLog = LifecycleLog.Append(AuditLog, type, at, actor, subject, from, to, reason) };

    private OrganizationKey KeyOf(string kid)
    {
        EnsureNotDestroyed();
        return Keys.FirstOrDefault(k => k.Kid == kid)
            ?? throw DomainException.NotFound(ErrorCodes.KeyNotFound, $"The organization has no key with kid '{kid}'.");
    }

    private OrganizationState ReplaceKey(OrganizationKey key, DateTimeOffset now) =>
        this with { Keys = [.. Keys.Select(k => k.Kid == key.Kid ? key : k)], UpdatedAt = now };

    private void EnsureNotDestroyed()
    {
        if (Status == OrganizationStatuses.Destroyed)
            throw DomainException.Conflict(ErrorCodes.OrganizationNotActive, "The organization is destroyed; it cannot be changed any more.");
    }

    private static string? ValidityOf(OrganizationKey key) =>
        key.NotBefore is null && key.NotAfter is null ? null : $"valid from {key.NotBefore:O} until {key.NotAfter:O}";
}
