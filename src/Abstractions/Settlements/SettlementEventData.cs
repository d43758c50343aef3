namespace Moneta.Settlements;

/// <summary>Every settlement.* webhook: the batch as GET /api/v1/settlements/{batch_id} returns it.</summary>
public sealed record SettlementEventData(SettlementBatchView Batch);
