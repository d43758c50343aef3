using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Grains.Webhooks;
using Moneta.MPasses;
using Moneta.Organizations;
using Moneta.Webhooks;

namespace Moneta.Grains.MPasses;

public sealed class MPassGrain(IPersistentState<MPassState> state, TimeProvider clock) : Grain, IMPassGrain
{
    public async Task<MPassView> Issue(MPassIssue issue)
    {
        await state.ReadStateAsync();
        if (state.RecordExists)
            throw DomainException.Conflict(ErrorCodes.MPassExists, $"An mPass with id '{GrainKey}' already exists.");

        var mo = await GrainFactory.GetGrain<IOrganizationGrain>(issue.MoId).Find();
        if (mo is null || mo.Kind != OrganizationKinds.Mo)
            throw DomainException.NotFound(ErrorCodes.OrganizationNotFound, $"No MO has id '{issue.MoId}'.");
        if (!mo.IsActive)
            throw DomainException.Conflict(ErrorCodes.OrganizationNotActive, $"MO '{issue.MoId}' is {mo.Status}; only an active MO issues mPasses.");

        var now = clock.GetUtcNow();
        if (issue.ValidUntil <= now)
            throw DomainException.Invalid(ErrorCodes.InvalidField, "'valid_until' must be in the future.");

        state.State = new MPassState { MoId = issue.MoId, Tier = issue.Tier, ValidUntil = issue.ValidUntil, IssuedAt = now, UpdatedAt = now };
        await state.WriteStateAsync();
        return state.State.ToView(GrainKey, now);
    }

    /// <summary>Read through to storage: a suspension made on another silo must be seen at once (ADR 0002).</summary>
    public async Task<MPassView?> Find()
    {
        await state.ReadStateAsync();
        return state.RecordExists ? state.State.ToView(GrainKey, clock.GetUtcNow()) : null;
    }

    public async Task<MPassView> ChangeStatus(string status)
    {
        await state.ReadStateAsync();
        if (!state.RecordExists)
            throw DomainException.NotFound(ErrorCodes.MPassNotFound, $"No mPass has id '{GrainKey}'.");

        var now = clock.GetUtcNow();
        var next = state.State.MoveTo(status, now);
        if (next != state.State)
        {
            var data = new { MpassId = GrainKey, next.MoId, From = state.State.Status, To = next.Status };
            Outbox.Announce(next.MoId, "mpass", GrainKey, WebhookAnnouncements.NewEvent(WebhookEventTypes.MPassStatusChanged, now, data));
            state.State = next;
            await state.WriteStateAsync();
        }

        return state.State.ToView(GrainKey, now);
    }
}
