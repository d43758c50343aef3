using Moneta.Audit;
using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Grains.Audit;
using Moneta.Grains.Webhooks;
using Moneta.MPasses;
using Moneta.Organizations;
using Moneta.Webhooks;

namespace Moneta.Grains.MPasses;

[GrainType("mpass")]
public sealed class MPassGrain([OutboxState] IOutboxState<MPassState> state, TimeProvider clock) : Grain, IMPassGrain
{
    private string MPassId => this.GetPrimaryKeyString();

    public async Task<MPassView> Issue(MPassIssue issue)
    {
        if (state.RecordExists)
            throw DomainException.Conflict(ErrorCodes.MPassExists, $"An mPass with id '{MPassId}' already exists.");

        var mo = await GrainFactory.GetGrain<IOrganizationGrain>(issue.MoId).Find();
        if (mo is null || mo.Kind != OrganizationKinds.Mo)
            throw DomainException.NotFound(ErrorCodes.OrganizationNotFound, $"No MO has id '{issue.MoId}'.");
        if (!mo.IsActive)
            throw DomainException.Conflict(ErrorCodes.OrganizationNotActive, $"MO '{issue.MoId}' is {mo.Status}; only an active MO issues mPasses.");

        var now = clock.GetUtcNow();
        if (issue.ValidUntil <= now)
            throw DomainException.Invalid(ErrorCodes.InvalidField, "'valid_until' must be in the future.");

        state.State = MPassState.Issued(issue, now);
        await state.WriteStateAsync();
        return state.State.ToView(MPassId, now);
    }

    /// <summary>The one activation in the cluster answers, so a suspension made through any silo is seen at once.</summary>
    public async Task<MPassView?> Find()
    {
        if (!await ExistsAsync()) return null;
        return state.State.ToView(MPassId, clock.GetUtcNow());
    }

    public async Task<MPassView> ChangeStatus(MPassStatusChange change)
    {
        await EnsureChangeableByAsync(change.Actor);
        return await MoveToAsync(change);
    }

    public async Task<MPassView> ChangeTier(string tier, string actor)
    {
        await EnsureChangeableByAsync(actor);
        return await CommitAsync(state.State.WithTier(tier, actor, clock.GetUtcNow()));
    }

    public async Task<LifecycleTrail?> Audit(string? cursor)
    {
        if (!await ExistsAsync()) return null;
        return await LifecycleArchive.ReadPageAsync(GrainFactory, AuditSubject, MPassId, state.State.AuditLog, state.State.SealedAuditSegments, cursor);
    }

    private string AuditSubject => $"mpass/{MPassId}";

    /// <summary>Whether the mPass exists; if valid_until has passed since it was last written, its expiry is recorded first.</summary>
    private async Task<bool> ExistsAsync()
    {
        if (!state.RecordExists) return false;
        if (state.State.IsDueToExpire(clock.GetUtcNow()))
            await MoveToAsync(new MPassStatusChange(MPassStatuses.Expired, Actors.Moneta, "valid_until reached"));
        return true;
    }

    /// <summary>Every status change, by a caller or by expiry, goes through here, and is announced to the issuing MO.</summary>
    private async Task<MPassView> MoveToAsync(MPassStatusChange change)
    {
        var now = clock.GetUtcNow();
        var next = state.State.MoveTo(change, now);
        if (next.Status != state.State.Status)
        {
            var data = new MPassStatusChangedData(MPassId, next.MoId, state.State.Status, next.Status, change.Reason);
            await state.Outbox.AnnounceAsync(GrainFactory, next.MoId, "mpass", MPassId, WebhookEventTypes.MPassStatusChanged, now, () => data);
        }

        return await CommitAsync(next);
    }

    /// <summary>Another organization's mPass answers as not found, so mPass ids cannot be probed.</summary>
    private async Task EnsureChangeableByAsync(string actor)
    {
        if (!await ExistsAsync() || (actor != Actors.Admin && actor != state.State.MoId))
            throw DomainException.NotFound(ErrorCodes.MPassNotFound, $"No mPass with id '{MPassId}' is visible to you.");
    }

    private async Task<MPassView> CommitAsync(MPassState next)
    {
        if (!ReferenceEquals(next, state.State))
        {
            var (recent, sealedSegments) = await LifecycleArchive.SealDueSegmentsAsync(GrainFactory, AuditSubject, next.AuditLog, next.SealedAuditSegments);
            state.State = next with { AuditLog = recent, SealedAuditSegments = sealedSegments };
            await state.WriteStateAsync();
        }

        return state.State.ToView(MPassId, clock.GetUtcNow());
    }
}
