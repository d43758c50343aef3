namespace Moneta.Settlements;

/// <summary>The account's order to a batch to close: when, and what the batch before it carried out.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.SettlementCloseOrder")]
public sealed record SettlementCloseOrder(SettlementBatchRef Batch, decimal CarriedIn, DateTimeOffset ClosedAt);
