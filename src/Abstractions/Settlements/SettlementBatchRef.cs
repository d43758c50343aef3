namespace Moneta.Settlements;

/// <summary>
/// A batch as its account opened it: enough for the batch grain to know itself when a line or the order to close
/// reaches it first. <see cref="Sequence"/> counts the batches of one period (an early close opens the next one).
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.SettlementBatchRef")]
public sealed record SettlementBatchRef(string BatchId, SettlementAccountKey Account, SettlementPeriod Period, int Sequence, SettlementTerms Terms, DateTimeOffset OpenedAt);
