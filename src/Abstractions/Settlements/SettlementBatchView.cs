namespace Moneta.Settlements;

/// <summary>
/// A settlement batch as its parties read it (GET /api/v1/settlements/{batch_id}). The figures, the lines digest
/// and the settlement contract are set when the batch closes; amounts are decimal strings with the currency's
/// minor-unit digits. The terms it settles by are here so that each party can recompute every figure.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.SettlementBatchView")]
public sealed record SettlementBatchView(
    string BatchId,
    string MoId,
    string PublisherId,
    string Currency,
    SettlementPeriodKind Period,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    int Sequence,
    SettlementBatchStatus Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ClosedAt,
    string TermsContractId,
    int MonetaFeeBps,
    int MoShareBps,
    string MinimumPayout,
    string? SettlementContractId,
    int LineCount,
    string? LinesDigest,
    string? Gross,
    string? MonetaFee,
    string? MoShare,
    string? PublisherPayout,
    string? CarriedIn,
    string? CarriedOut)
{
    public bool IsParty(string organizationId) => organizationId == MoId || organizationId == PublisherId;
}
