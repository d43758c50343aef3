using System.Globalization;
using System.Text.RegularExpressions;

namespace Moneta;

/// <summary>
/// An amount in a currency. The amount is a <see cref="decimal"/>, never a binary float; on the wire it is a decimal
/// string with exactly the currency's minor-unit digits ("12.50", "-3.00", "1500"), so that the same amount always
/// has the same canonical bytes. Rounding is half-to-even ("banker's rounding") to the minor unit.
/// </summary>
public readonly partial record struct Money
{
    public Money(decimal amount, Currency currency)
    {
        if (decimal.Round(amount, currency.MinorUnits) != amount)
            throw new ArgumentException($"{amount.ToString(CultureInfo.InvariantCulture)} has more decimals than {currency.Code} allows ({currency.MinorUnits}); round it first.", nameof(amount));
        // decimal keeps the sign of zero; a zero is written "0.00", never "-0.00".
        Amount = amount == 0 ? 0m : amount;
        Currency = currency;
    }

    public decimal Amount { get; }

    public Currency Currency { get; }

    public static Money Zero(Currency currency) => new(0m, currency);

    /// <summary>The amount rounded half-to-even to the currency's minor unit.</summary>
    public static Money Round(decimal amount, Currency currency) =>
        new(decimal.Round(amount, currency.MinorUnits, MidpointRounding.ToEven), currency);

    /// <summary>
    /// A signed decimal string ("12.5", "-3.00"): no exponent, no '+', no leading zeros, at most 15 integer digits and
    /// no more decimals than the currency has. A negative zero is refused: zero is written without a sign.
    /// </summary>
    public static bool TryParse(string? text, Currency currency, out Money money)
    {
        money = default;
        if (text is null || !SignedAmountPattern().IsMatch(text)) return false;
        var fractionDigits = text.Contains('.', StringComparison.Ordinal) ? text.Length - text.IndexOf('.', StringComparison.Ordinal) - 1 : 0;
        if (fractionDigits > currency.MinorUnits) return false;
        var amount = decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        if (amount == 0 && text.StartsWith('-')) return false;
        money = new Money(amount, currency);
        return true;
    }

    public static Money operator +(Money left, Money right) => new(left.Amount + right.SameCurrencyAs(left).Amount, left.Currency);

    public static Money operator -(Money left, Money right) => new(left.Amount - right.SameCurrencyAs(left).Amount, left.Currency);

    public static Money operator -(Money value) => new(-value.Amount, value.Currency);

    public bool IsNegative => Amount < 0;

    /// <summary>The wire form: exactly the currency's minor-unit digits, '-' for a negative amount.</summary>
    public override string ToString() => Amount.ToString("F" + Currency.MinorUnits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private Money SameCurrencyAs(Money other) =>
        Currency == other.Currency ? this : throw new InvalidOperationException($"Cannot combine {Currency.Code} with {other.Currency.Code}.");

    [GeneratedRegex(@"^-?(0|[1-9][0-9]{0,14})(\.[0-9]{1,8})?$", RegexOptions.CultureInvariant)]
    private static partial Regex SignedAmountPattern();
}
