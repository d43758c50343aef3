using Moneta.Disputes;
using Moneta.Errors;

namespace Moneta.Grains.Disputes;

/// <summary>A charge's disputes, and the rules a new one must fit: one open at a time, never more than what remains.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.ChargeDisputesState")]
public sealed record ChargeDisputesState
{
    [Id(0)]
    public IReadOnlyList<DisputeEntry> Disputes { get; init; } = [];

    /// <summary>The charge less every dispute pending or refunded: what a new dispute may claim at most.</summary>
    public decimal RemainingOf(decimal chargeAmount) => chargeAmount - Disputes.Where(d => d.HoldsAmount).Sum(d => d.Amount);

    public DisputeEntry? Find(string disputeId) => Disputes.FirstOrDefault(d => d.DisputeId == disputeId);

    /// <summary>Reserves room for the claim, or refuses it; a reservation the dispute's own retry makes again is renewed.</summary>
    public ChargeDisputesState Reserve(DisputeClaim claim, string chargeId, DateTimeOffset now, TimeSpan lease)
    {
        var others = Disputes.Where(d => d.DisputeId != claim.DisputeId).ToList();
        if (others.FirstOrDefault(d => d.IsOpen) is { } open)
            throw DomainException.Conflict(ErrorCodes.DisputeAlreadyOpen, $"Charge '{chargeId}' already has an open dispute, '{open.DisputeId}'; one dispute at a time.");
        var remaining = (this with { Disputes = others }).RemainingOf(claim.ChargeAmount);
        if (claim.Amount > remaining)
        {
            var currency = Currency.Of(claim.Currency);
            throw DomainException.Conflict(ErrorCodes.DisputeAmountExceedsRemaining,
                $"Charge '{chargeId}' has {new Money(remaining, currency)} {currency.Code} left to dispute (its amount less disputes accepted or pending); this dispute claims {new Money(claim.Amount, currency)}.");
        }

        var reserved = new DisputeEntry(claim.DisputeId, claim.Amount, claim.Currency, claim.ReasonCode, ChargeDispute.Pending, now, null, Confirmed: false, ReservedUntil: now + lease);
        return this with { Disputes = [.. others, reserved] };
    }

    /// <summary>A step of the dispute, as its contract reported it: confirms a reservation, or records a resolution, which is final.</summary>
    public ChargeDisputesState Apply(DisputeStep step)
    {
        var known = Find(step.DisputeId);
        if (known is { Confirmed: true, IsOpen: false } || (known is { Confirmed: true } && step.Status == ChargeDispute.Pending)) return this;
        var entry = new DisputeEntry(step.DisputeId, step.Amount, step.Currency, step.ReasonCode, step.Status, step.OpenedAt, step.ResolvedAt, Confirmed: true, ReservedUntil: null);
        return this with { Disputes = known is null ? [.. Disputes, entry] : [.. Disputes.Select(d => d.DisputeId == step.DisputeId ? entry : d)] };
    }

    /// <summary>Drops a reservation whose contract was never written (its initiation failed after reserving).</summary>
    public ChargeDisputesState Without(string disputeId) => this with { Disputes = [.. Disputes.Where(d => d.DisputeId != disputeId)] };
}

/// <summary>One dispute of the charge. Unconfirmed until its contract reports it: a reservation made for an initiation still running.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.DisputeEntry")]
public sealed record DisputeEntry(
    string DisputeId,
    decimal Amount,
    string Currency,
    string ReasonCode,
    string Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ResolvedAt,
    bool Confirmed,
    DateTimeOffset? ReservedUntil)
{
    public bool IsOpen => Status == ChargeDispute.Pending;

    /// <summary>Pending disputes and refunded ones take their amount out of what remains disputable.</summary>
    public bool HoldsAmount => IsOpen || DisputeResolutions.Refunds(Status);

    public ChargeDispute ToView() => new(DisputeId, new Money(Amount, Moneta.Currency.Of(Currency)).ToString(), ReasonCode, Status, OpenedAt, ResolvedAt);
}
