using System.Globalization;
using System.Text.Json.Serialization;
using Moneta.GrainModel;
using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

/// <summary>
/// A settlement batch as stored: itself, its status, its latest lines (earlier ones are in full pages of their own),
/// their count and sum, and, once closed, its figures, lines digest and settlement contract.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.SettlementBatchState")]
public sealed record SettlementBatchState : IIndexedState
{
    [Id(0)]
    public SettlementBatchRef? Batch { get; init; }

    [Id(1)]
    public SettlementBatchStatus Status { get; init; }

    /// <summary>The lines not yet moved to a page, in arrival order (a page's worth, and at most one run of lines more).</summary>
    [Id(2)]
    public IReadOnlyList<SettlementLine> Tail { get; init; } = [];

    /// <summary>How many full pages hold the earlier lines (pages 0 to Pages - 1).</summary>
    [Id(3)]
    public int Pages { get; init; }

    [Id(4)]
    public int LineCount { get; init; }

    /// <summary>Charges less accepted disputes: the sum of every line.</summary>
    [Id(5)]
    public decimal LineTotal { get; init; }

    [Id(6)]
    public DateTimeOffset? ClosedAt { get; init; }

    [Id(7)]
    public SettlementFigures? Figures { get; init; }

    [Id(8)]
    public string? LinesDigest { get; init; }

    [Id(9)]
    public string? SettlementContractId { get; init; }

    /// <summary>The settlement contract exists, and the parties were told it waits for them.</summary>
    [Id(10)]
    public bool Issued { get; init; }

    [JsonIgnore]
    public Currency Currency => Currency.Of(Batch!.Account.Currency);

    public SettlementBatchState WithLines(IReadOnlyList<SettlementLine> lines) =>
        this with { Tail = [.. Tail, .. lines], LineCount = LineCount + lines.Count, LineTotal = LineTotal + lines.Sum(l => l.Amount) };

    public SettlementBatchState Closed(IEnumerable<SettlementLineView> linesInDigestOrder, decimal carriedIn, DateTimeOffset closedAt, string settlementContractId) => this with
    {
        Status = SettlementBatchStatus.AwaitingSignatures,
        ClosedAt = closedAt,
        LinesDigest = Settlements.LinesDigest.Of(linesInDigestOrder),
        Figures = SettlementArithmetic.Settle(LineTotal, carriedIn, Batch!.Terms, Currency),
        SettlementContractId = settlementContractId,
    };

    public SettlementLineView ToView(SettlementLine line) => new(line.SourceContractId, line.Kind, new Money(line.Amount, Currency).ToString());

    public SettlementBatchView ToView()
    {
        var batch = Batch!;
        string? Format(decimal? amount) => amount is { } value ? new Money(value, Currency).ToString() : null;
        return new SettlementBatchView(
            batch.BatchId, batch.Account.MoId, batch.Account.PublisherId, batch.Account.Currency, batch.Period.Kind, batch.Period.Start, batch.Period.End,
            batch.Sequence, Status, batch.OpenedAt, ClosedAt, batch.Terms.ContractId, batch.Terms.MonetaFeeBps, batch.Terms.MoShareBps,
            new Money(batch.Terms.MinimumPayout, Currency).ToString(), Issued ? SettlementContractId : null, LineCount, LinesDigest,
            Format(Figures?.Gross), Format(Figures?.MonetaFee), Format(Figures?.MoShare), Format(Figures?.PublisherPayout), Format(Figures?.CarriedIn), Format(Figures?.CarriedOut));
    }

    /// <summary>Each party lists its own batches, by status too; oldest period first.</summary>
    public IEnumerable<IndexEntry> GetIndexEntries()
    {
        if (Batch is not { } batch) yield break;
        var order = $"{batch.Period.Start.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)}/{batch.Sequence.ToString("D6", CultureInfo.InvariantCulture)}";
        var status = WireEnumConverter<SettlementBatchStatus>.Name(Status);
        yield return new IndexEntry("mo_id", batch.Account.MoId, order);
        yield return new IndexEntry("publisher_id", batch.Account.PublisherId, order);
        yield return new IndexEntry("mo_status", $"{batch.Account.MoId}/{status}", order);
        yield return new IndexEntry("publisher_status", $"{batch.Account.PublisherId}/{status}", order);
    }
}
