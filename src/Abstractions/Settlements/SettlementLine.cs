namespace Moneta.Settlements;

/// <summary>
/// One line of a settlement batch, keyed by the contract it comes from: a finalized charge (its amount) or an accepted
/// dispute (minus its amount). A source contract is a line of exactly one batch.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.SettlementLine")]
public sealed record SettlementLine(string SourceContractId, SettlementLineKind Kind, decimal Amount);
