using Moneta.Grains.Settlements;
using Moneta.Settlements;

namespace Moneta.Tests.Grains;

/// <summary>
/// When settlement terms take effect: a pair's first terms at once, terms agreed later from the end of the open
/// batch's period, so every period is settled by the terms it began with.
/// </summary>
public sealed class SettlementTermsScheduleTests
{
    private static readonly SettlementAccountKey Pair = new("mo-1", "publisher-1", "EUR");
    private static readonly DateTimeOffset MidMarch = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset April = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_pairs_first_terms_apply_at_once_to_the_period_they_were_agreed_in()
    {
        var account = new SettlementAccountState().WithTerms(Terms("terms-1", feeBps: 100, finalizedAt: MidMarch));

        var batch = account.NextBatch(Pair, "batch-1", MidMarch);

        Assert.Equal("terms-1", batch.Terms.ContractId);
        Assert.Equal(new SettlementPeriod(SettlementPeriodKind.Monthly, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)), batch.Period);
    }

    [Fact]
    public void Terms_agreed_while_a_batch_is_open_apply_from_the_next_period_not_to_the_open_one()
    {
        var first = new SettlementAccountState().WithTerms(Terms("terms-1", feeBps: 100, finalizedAt: MidMarch));
        var open = first with { Open = new OpenBatch(first.NextBatch(Pair, "batch-1", MidMarch), HasLines: true) };

        var later = open.WithTerms(Terms("terms-2", feeBps: 250, finalizedAt: MidMarch.AddDays(5)));

        // The rest of March, including a batch opened after an early close, keeps the terms March began with.
        Assert.Equal("terms-1", later.TermsAt(April.AddTicks(-1)).ContractId);
        var afterEarlyClose = later.NextBatch(Pair, "batch-2", MidMarch.AddDays(6));
        Assert.Equal(("terms-1", 1), (afterEarlyClose.Terms.ContractId, afterEarlyClose.Sequence));
        // April's batch settles by the new terms.
        var nextPeriod = later.NextBatch(Pair, "batch-3", April);
        Assert.Equal(("terms-2", 250, April), (nextPeriod.Terms.ContractId, nextPeriod.Terms.MonetaFeeBps, nextPeriod.Period.Start));
    }

    private static SettlementTerms Terms(string contractId, int feeBps, DateTimeOffset finalizedAt) =>
        new(contractId, SettlementPeriodKind.Monthly, feeBps, MoShareBps: 1000, MinimumPayout: 10m, finalizedAt, EffectiveFrom: finalizedAt);
}
