using System.Numerics;
using CsCheck;
using Moneta.Grains.Settlements;
using Moneta.Settlements;

namespace Moneta.Tests.Grains;

/// <summary>
/// The settlement arithmetic, as properties over generated batches: for every currency exponent the three shares add
/// up to gross exactly, each share is gross x bps / 10,000 rounded half-to-even (checked against integer arithmetic
/// on minor units, an independent oracle), and carry-over neither makes nor loses money over any sequence of batches.
/// </summary>
public sealed class SettlementArithmeticTests
{
    private const int Iterations = 3000;

    /// <summary>One currency per minor-unit count Moneta knows (0, 2, 3 and 4 digits), chosen among all of them.</summary>
    private static readonly Currency[] Currencies = [.. Currency.All.OrderBy(c => c.Code, StringComparer.Ordinal)];

    private static readonly Gen<Currency> AnyCurrency = Gen.Int[0, Currencies.Length - 1].Select(i => Currencies[i]);

    /// <summary>Terms: a fee and an MO share that fit in the whole, and a minimum payout in minor units.</summary>
    private static readonly Gen<(int Fee, int Share, long MinimumMinor)> AnyTerms =
        Gen.Int[0, 10_000].SelectMany(fee => Gen.Int[0, 10_000 - fee].SelectMany(share => Gen.Long[0, 1_000_000].Select(minimum => (fee, share, minimum))));

    [Fact]
    public void The_three_shares_add_up_to_gross_exactly_for_every_currency_exponent() =>
        Gen.Select(AnyCurrency, AnyTerms, Gen.Long[-10_000_000_000_000, 10_000_000_000_000]).Sample((currency, terms, grossMinor) =>
        {
            var gross = Major(grossMinor, currency);
            var figures = SettlementArithmetic.Settle(gross, 0m, Terms(terms, currency), currency);

            Assert.Equal(gross, figures.Gross);
            Assert.Equal(figures.Gross, figures.MonetaFee + figures.MoShare + figures.PublisherPayout + figures.CarriedOut);
            foreach (var amount in new[] { figures.MonetaFee, figures.MoShare, figures.PublisherPayout, figures.CarriedOut })
                Assert.Equal(amount, decimal.Round(amount, currency.MinorUnits)); // nothing finer than the minor unit
        }, iter: Iterations);

    [Fact]
    public void Each_share_is_gross_times_basis_points_rounded_half_to_even_to_the_minor_unit() =>
        Gen.Select(AnyCurrency, Gen.Int[0, 10_000], Gen.Long[-10_000_000_000_000, 10_000_000_000_000]).Sample((currency, bps, grossMinor) =>
        {
            var share = SettlementArithmetic.Share(Major(grossMinor, currency), bps, currency);

            Assert.Equal(HalfToEven(grossMinor * (BigInteger)bps, 10_000), Minor(share, currency));
        }, iter: Iterations);

    [Fact]
    public void Nothing_is_paid_below_the_minimum_payout_or_when_gross_is_negative_and_all_of_gross_is_carried() =>
        Gen.Select(AnyCurrency, AnyTerms, Gen.Long[-1_000_000_000, 1_000_000_000]).Sample((currency, terms, grossMinor) =>
        {
            var figures = SettlementArithmetic.Settle(Major(grossMinor, currency), 0m, Terms(terms, currency), currency);
            var paid = grossMinor >= 0 && grossMinor >= terms.MinimumMinor;

            Assert.Equal(paid ? 0m : figures.Gross, figures.CarriedOut);
            if (!paid) Assert.True(figures.MonetaFee == 0 && figures.MoShare == 0 && figures.PublisherPayout == 0);
            // Each share rounds up by at most half a minor unit, so the payout is never negative, except by one minor unit when
            // the fee and the MO share are all of gross (docs/settlement.md).
            if (paid) Assert.True(Minor(figures.PublisherPayout, currency) >= (terms.Fee + terms.Share == 10_000 ? -1 : 0), $"payout {figures.PublisherPayout}");
        }, iter: Iterations);

    [Fact]
    public void Carry_over_conserves_money_across_any_sequence_of_batches()
    {
        // A batch: charges (positive) and accepted disputes (negative), in minor units.
        var batches = Gen.Long[-50_000, 500_000].Array[0, 12].Array[1, 15];
        Gen.Select(AnyCurrency, AnyTerms, batches).Sample((currency, terms, sequence) =>
        {
            var settlementTerms = Terms(terms, currency);
            var (carry, paid, lines) = (0m, 0m, 0m);
            foreach (var batch in sequence)
            {
                var total = batch.Sum(minor => Major(minor, currency));
                var figures = SettlementArithmetic.Settle(total, carry, settlementTerms, currency);

                Assert.Equal(carry, figures.CarriedIn);
                Assert.Equal(total + carry, figures.Gross);
                (carry, paid, lines) = (figures.CarriedOut, paid + figures.MonetaFee + figures.MoShare + figures.PublisherPayout, lines + total);
            }

            Assert.Equal(lines, paid + carry);
        }, iter: Iterations);
    }

    [Theory]
    [InlineData("EUR", "2.50", 500, "0.12")] // 0.125: the even neighbour is below
    [InlineData("EUR", "2.70", 500, "0.14")] // 0.135: the even neighbour is above
    [InlineData("EUR", "-2.50", 500, "-0.12")]
    [InlineData("JPY", "50", 100, "0")] // 0.5
    [InlineData("JPY", "150", 100, "2")] // 1.5
    [InlineData("KWD", "0.025", 2000, "0.005")]
    [InlineData("CLF", "1.0005", 5000, "0.5002")] // 0.50025
    public void Half_to_even_rounds_a_midpoint_to_its_even_neighbour(string currency, string gross, int bps, string expected)
    {
        var money = Currency.Of(currency);
        Assert.True(Money.TryParse(gross, money, out var amount));

        Assert.Equal(expected, new Money(SettlementArithmetic.Share(amount.Amount, bps, money), money).ToString());
    }

    [Fact]
    public void A_batch_with_a_carry_in_and_a_refunded_dispute_settles_to_the_cent()
    {
        // 3 charges of 12.50 and one accepted dispute of 12.50: 25.00, plus 4.99 carried in = 29.99; 2.5 % and 20 %.
        // (docs/settlement.md's worked example is checked by Crypto/MoneyPathVectorTests, against the document itself.)
        var eur = Currency.Of("EUR");
        var terms = new SettlementTerms("terms-1", SettlementPeriodKind.Monthly, 250, 2000, 10m, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

        var figures = SettlementArithmetic.Settle(25.00m, 4.99m, terms, eur);

        Assert.Equal(new SettlementFigures(29.99m, 0.75m, 6.00m, 23.24m, 4.99m, 0m), figures);
    }

    private static SettlementTerms Terms((int Fee, int Share, long MinimumMinor) terms, Currency currency) =>
        new("terms", SettlementPeriodKind.Daily, terms.Fee, terms.Share, Major(terms.MinimumMinor, currency), DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch);

    private static decimal Major(long minor, Currency currency) => minor / Scale(currency);

    private static BigInteger Minor(decimal major, Currency currency) => new(major * Scale(currency));

    private static decimal Scale(Currency currency) => (decimal)Math.Pow(10, currency.MinorUnits);

    /// <summary>numerator / denominator rounded half-to-even, in integers: the oracle the decimal code is checked against.</summary>
    private static BigInteger HalfToEven(BigInteger numerator, BigInteger denominator)
    {
        var sign = numerator.Sign;
        var quotient = BigInteger.DivRem(BigInteger.Abs(numerator), denominator, out var remainder);
        var twice = remainder * 2;
        if (twice > denominator || (twice == denominator && !quotient.IsEven)) quotient += 1;
        return sign * quotient;
    }
}
