using System.Globalization;
using System.Text.RegularExpressions;

namespace Moneta.Grains.Templates;

/// <summary>Money travels as a decimal string ("12.50") and is a <see cref="decimal"/> in code, never a float.</summary>
public static partial class Amounts
{
    public static bool TryParse(string text, out decimal amount, out int fractionDigits)
    {
        amount = 0;
        fractionDigits = 0;
        if (!AmountPattern().IsMatch(text)) return false;
        fractionDigits = text.Contains('.') ? text.Length - text.IndexOf('.') - 1 : 0;
        return decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount);
    }

    // No sign, no exponent, no leading zeros, at most 15 integer digits: unambiguous and far from decimal's limits.
    [GeneratedRegex(@"^(0|[1-9][0-9]{0,14})(\.[0-9]{1,8})?$", RegexOptions.CultureInvariant)]
    private static partial Regex AmountPattern();
}
