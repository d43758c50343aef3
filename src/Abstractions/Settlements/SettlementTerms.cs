namespace Moneta.Settlements;

/// <summary>
/// The terms of a finalized settlement-terms contract, as a batch settles by them: the period, Moneta's fee and the
/// MO's share (basis points of gross) and the least that is paid out. They apply to the batches opened from
/// <see cref="EffectiveFrom"/> on: a pair's first terms at once, later ones from the next period.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.SettlementTerms")]
public sealed record SettlementTerms(
    string ContractId,
    SettlementPeriodKind Period,
    int MonetaFeeBps,
    int MoShareBps,
    decimal MinimumPayout,
    DateTimeOffset FinalizedAt,
    DateTimeOffset EffectiveFrom);
