using System.Globalization;
using Moneta.Audit;
using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Grains.Audit;
using Moneta.MPasses;

namespace Moneta.Grains.MPasses;

[GenerateSerializer, Immutable, Alias("Moneta.Grains.MPassState")]
public sealed record MPassState : IIndexedState
{
    [Id(0)]
    public string MoId { get; init; } = "";
    [Id(1)]
    public string Tier { get; init; } = "";
    [Id(2)]
    public string Status { get; init; } = MPassStatuses.Active;
    [Id(3)]
    public DateTimeOffset? ValidUntil { get; init; }
    [Id(4)]
    public DateTimeOffset IssuedAt { get; init; }
    [Id(5)]
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>The recent entries of the audit log; older ones are sealed in <see cref="SealedAuditSegments"/> archive segments.</summary>
    [Id(6)]
    public IReadOnlyList<LifecycleEvent> AuditLog { get; init; } = [];

    [Id(7)]
    public int SealedAuditSegments { get; init; }

    /// <summary>Revoked and expired are final.</summary>
    private static readonly Dictionary<string, string[]> AllowedTransitions = new()
    {
        [MPassStatuses.Active] = [MPassStatuses.Suspended, MPassStatuses.Revoked, MPassStatuses.Expired],
        [MPassStatuses.Suspended] = [MPassStatuses.Active, MPassStatuses.Revoked, MPassStatuses.Expired],
        [MPassStatuses.Revoked] = [],
        [MPassStatuses.Expired] = [],
    };

    public static MPassState Issued(MPassIssue issue, DateTimeOffset now) =>
        new MPassState { MoId = issue.MoId, Tier = issue.Tier, ValidUntil = issue.ValidUntil, IssuedAt = now, UpdatedAt = now }
            .Record("issued", now, issue.Actor, to: MPassStatuses.Active, reason: $"tier {issue.Tier}");

    /// <summary>An mPass past its valid_until is expired from that instant, whether or not anyone has written it since.</summary>
    public string StatusAt(DateTimeOffset now) =>
        ValidUntil <= now && Status is MPassStatuses.Active or MPassStatuses.Suspended ? MPassStatuses.Expired : Status;

    public bool IsDueToExpire(DateTimeOffset now) => StatusAt(now) != Status;

    /// <summary>Expiry is Moneta's move (at valid_until); a caller may only suspend, reactivate or revoke.</summary>
    public MPassState MoveTo(MPassStatusChange change, DateTimeOffset now)
    {
        if (change.Status == Status) return this;
        if (!AllowedTransitions.ContainsKey(change.Status) || (change.Status == MPassStatuses.Expired && change.Actor != Actors.Moneta))
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{change.Status}' is not a status an mPass can be given; use active, suspended or revoked.");
        if (!AllowedTransitions[Status].Contains(change.Status))
            throw DomainException.Conflict(ErrorCodes.InvalidStatusTransition, $"An mPass that is {Status} cannot become {change.Status}.");
        var at = change.Status == MPassStatuses.Expired ? ValidUntil!.Value : now;
        return (this with { Status = change.Status, UpdatedAt = at }).Record("status_changed", at, change.Actor, from: Status, to: change.Status, reason: change.Reason);
    }

    public MPassState WithTier(string tier, string actor, DateTimeOffset now)
    {
        if (tier == Tier) return this;
        if (Status is MPassStatuses.Revoked or MPassStatuses.Expired)
            throw DomainException.Conflict(ErrorCodes.MPassNotActive, $"The mPass is {Status}; its tier can no longer change.");
        return (this with { Tier = tier, UpdatedAt = now }).Record("tier_changed", now, actor, from: Tier, to: tier);
    }

    public IEnumerable<IndexEntry> GetIndexEntries()
    {
        yield return new IndexEntry("mo_id", MoId, IssuedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture));
    }

    public MPassView ToView(string id, DateTimeOffset now) => new(id, MoId, Tier, StatusAt(now), ValidUntil, IssuedAt, UpdatedAt);

    private MPassState Record(string type, DateTimeOffset at, string actor, string? from = null, string? to = null, string? reason = null) =>
        this with { AuditLog = LifecycleLog.Append(AuditLog, type, at, actor, null, from, to, reason) };
}
