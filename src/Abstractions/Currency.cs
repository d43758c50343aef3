using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Moneta;

/// <summary>
/// An ISO 4217 currency in circulation and its minor-unit digits: how many decimals an amount in it has (EUR 2,
/// JPY 0, KWD 3, CLF 4). Amounts are rounded to, and written with, exactly that many digits. A value for computing:
/// grain records and stored states carry the code.
/// </summary>
public readonly record struct Currency
{
    private const string ZeroDigits = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
    private const string ThreeDigits = "BHD IQD JOD KWD LYD OMR TND";
    private const string FourDigits = "CLF UYW";
    private const string TwoDigits =
        "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW " +
        "CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS " +
        "INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN " +
        "NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC " +
        "SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG";

    private static readonly FrozenDictionary<string, int> MinorUnitsByCode = new[] { (ZeroDigits, 0), (TwoDigits, 2), (ThreeDigits, 3), (FourDigits, 4) }
        .SelectMany(group => group.Item1.Split(' ').Select(code => KeyValuePair.Create(code, group.Item2)))
        .ToFrozenDictionary(StringComparer.Ordinal);

    private Currency(string code, int minorUnits) => (Code, MinorUnits) = (code, minorUnits);

    public string Code { get; }

    public int MinorUnits { get; }

    /// <summary>Every currency Moneta knows, for tests that must hold for each minor-unit count.</summary>
    public static IEnumerable<Currency> All => MinorUnitsByCode.Select(c => new Currency(c.Key, c.Value));

    public static bool TryParse([NotNullWhen(true)] string? code, out Currency currency)
    {
        if (code is not null && MinorUnitsByCode.TryGetValue(code, out var digits))
        {
            currency = new Currency(code, digits);
            return true;
        }

        currency = default;
        return false;
    }

    /// <exception cref="ArgumentException">Not an ISO 4217 code Moneta knows.</exception>
    public static Currency Of(string code) =>
        TryParse(code, out var currency) ? currency : throw new ArgumentException($"'{code}' is not an ISO 4217 currency code.", nameof(code));

    public override string ToString() => Code;
}
