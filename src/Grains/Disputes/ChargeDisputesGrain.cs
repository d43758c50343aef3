using Moneta.Contracts;
using Moneta.Disputes;
using Moneta.GrainModel;

namespace Moneta.Grains.Disputes;

/// <summary>
/// The disputes of one charge. One activation decides one claim at a time, so two disputes initiated at the same
/// instant cannot both pass "one open dispute" or both take the same remaining amount. A claim reserves room before
/// its dispute contract is written; the contract's creation confirms it. If the initiation failed after reserving,
/// the reservation lapses after <see cref="ReservationLease"/>: the next claim finds its contract missing and drops it.
/// A claim made while another dispute looks open asks that dispute's contract, so an answer the publisher gave a
/// moment ago counts even before its report arrives.
/// </summary>
[GrainType("chargedisputes")]
public sealed class ChargeDisputesGrain([OutboxState] IOutboxState<ChargeDisputesState> state, TimeProvider clock) : Grain, IChargeDisputesGrain
{
    /// <summary>Far longer than an initiation takes (it is answered within the 30 s call timeout).</summary>
    public static readonly TimeSpan ReservationLease = TimeSpan.FromMinutes(2);

    private string ChargeId => this.GetPrimaryKeyString();

    public async Task Reserve(DisputeClaim claim)
    {
        var now = clock.GetUtcNow();
        var current = state.State;
        foreach (var open in current.Disputes.Where(d => d.IsOpen && d.DisputeId != claim.DisputeId).ToList())
        {
            // The dispute's own contract is the truth; its reports may still be on their way (its creation, or a
            // publisher's answer a moment ago). A reservation with no contract yet is an initiation under way until
            // its lease ends, and one that failed after reserving once it has.
            var contract = await GrainFactory.GetGrain<IContractGrain>(open.DisputeId).Find();
            if (contract is not null) current = current.Apply(StepOf(contract, open));
            else if (open.Confirmed || open.ReservedUntil < now) current = current.Without(open.DisputeId);
        }

        state.State = current.Reserve(claim, ChargeId, now, ReservationLease);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<ChargeDispute>> List() =>
        Task.FromResult<IReadOnlyList<ChargeDispute>>([.. state.State.Disputes.Where(d => d.Confirmed).Select(d => d.ToView())]);

    /// <summary>A dispute's step (<see cref="DisputeFlow.DisputeChanged"/>); a redelivered one changes nothing.</summary>
    public async Task HandleEvent(GrainEvent @event)
    {
        if (@event.Type != DisputeFlow.DisputeChanged) return;
        var next = state.State.Apply(FlowEvents.Read<DisputeStep>(@event));
        if (next == state.State) return;
        state.State = next;
        await state.WriteStateAsync();
    }

    private static DisputeStep StepOf(ContractView contract, DisputeEntry entry)
    {
        var resolution = DisputeRules.ResolutionOf(contract.Status);
        var resolvedAt = resolution is null ? (DateTimeOffset?)null : contract.FinalizedAt ?? contract.Rejection?.RejectedAt ?? contract.ExpiresAt;
        return new DisputeStep(entry.DisputeId, entry.Amount, entry.Currency, entry.ReasonCode, resolution ?? ChargeDispute.Pending, contract.CreatedAt, resolvedAt);
    }
}
