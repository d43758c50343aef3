using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

/// <summary>
/// The arithmetic of a settlement (docs/settlement.md), in <see cref="decimal"/>, never floating point:
/// gross = charges - accepted disputes + carried_in; Moneta's fee and the MO's share are gross x bps / 10,000, each
/// rounded half-to-even to the currency's minor unit; the publisher is paid the rest, so the three add up to gross
/// exactly. A gross below the minimum payout (or negative) pays nothing and is carried into the next batch whole.
/// </summary>
public static class SettlementArithmetic
{
    public const int BasisPointsInWhole = 10_000;

    /// <param name="lines">The sum of the batch's lines: charges positive, accepted disputes negative.</param>
    /// <param name="carriedIn">What the batch before carried out.</param>
    public static SettlementFigures Settle(decimal lines, decimal carriedIn, SettlementTerms terms, Currency currency)
    {
        var gross = lines + carriedIn;
        if (gross < 0 || gross < terms.MinimumPayout)
            return new SettlementFigures(gross, 0m, 0m, 0m, carriedIn, CarriedOut: gross);

        var monetaFee = Share(gross, terms.MonetaFeeBps, currency);
        var moShare = Share(gross, terms.MoShareBps, currency);
        return new SettlementFigures(gross, monetaFee, moShare, gross - monetaFee - moShare, carriedIn, CarriedOut: 0m);
    }

    /// <summary>gross x bps / 10,000, rounded half-to-even to the currency's minor unit.</summary>
    public static decimal Share(decimal gross, int basisPoints, Currency currency) =>
        Money.Round(gross * basisPoints / BasisPointsInWhole, currency).Amount;
}
