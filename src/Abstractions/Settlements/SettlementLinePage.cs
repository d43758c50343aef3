namespace Moneta.Settlements;

/// <summary>A page of a batch's lines in digest order (source_contract_id, ordinal), and the cursor of the next page.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.SettlementLinePage")]
public sealed record SettlementLinePage(IReadOnlyList<SettlementLineView> Items, string? NextCursor);
