using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

/// <summary>
/// A settlement account: the pair's terms in the order they were agreed, its open batch, the batch whose closing has
/// not yet reported what it carries out, and what is carried into the next batch to close.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.SettlementAccountState")]
public sealed record SettlementAccountState
{
    [Id(0)]
    public IReadOnlyList<SettlementTerms> Terms { get; init; } = [];

    [Id(1)]
    public OpenBatch? Open { get; init; }

    /// <summary>The batch told to close whose carried_out has not come back: the next closes only after it has.</summary>
    [Id(2)]
    public string? Closing { get; init; }

    /// <summary>carried_out of the last closed batch, to be carried in by the next batch that closes.</summary>
    [Id(3)]
    public decimal Carry { get; init; }

    public bool HasTerms(string contractId) => Terms.Any(t => t.ContractId == contractId);

    /// <summary>
    /// The terms in force at an instant: the latest to take effect by then (the first terms, if a silo whose clock is
    /// behind the one that finalized them asks before they took effect).
    /// </summary>
    public SettlementTerms TermsAt(DateTimeOffset instant) =>
        Terms.Where(t => t.EffectiveFrom <= instant).OrderBy(t => t.EffectiveFrom).ThenBy(t => t.FinalizedAt).LastOrDefault()
        ?? Terms.OrderBy(t => t.EffectiveFrom).FirstOrDefault()
        ?? throw new InvalidOperationException("The account has no terms.");

    /// <summary>
    /// Takes newly finalized terms: a pair's first terms apply at once, later ones from the end of the open batch's
    /// period, so a period is settled by the terms it started with.
    /// </summary>
    public SettlementAccountState WithTerms(SettlementTerms terms) =>
        this with { Terms = [.. Terms, terms with { EffectiveFrom = Open is { } open ? open.Batch.Period.End : terms.FinalizedAt }] };

    /// <summary>
    /// The batch to open at <paramref name="now"/>: in the period of the terms in force that contains it; the next
    /// of the same period when the open one closed early.
    /// </summary>
    public SettlementBatchRef NextBatch(SettlementAccountKey account, string batchId, DateTimeOffset now)
    {
        var terms = TermsAt(now);
        var period = SettlementPeriod.Containing(terms.Period, now);
        var sequence = Open is { } open && open.Batch.Period == period ? open.Batch.Sequence + 1 : 0;
        return new SettlementBatchRef(batchId, account, period, sequence, terms, now);
    }
}

/// <summary>The batch lines go to now; <see cref="HasLines"/> once a line was routed to it (before the routing, so a closing never misses one).</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.OpenBatch")]
public sealed record OpenBatch(SettlementBatchRef Batch, bool HasLines);

/// <summary>A closed batch's report to its account: what it carries out into the next.</summary>
public sealed record BatchClosedReport(string BatchId, decimal CarriedOut);
