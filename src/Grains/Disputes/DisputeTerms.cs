using System.Globalization;
using System.Text.Json;

namespace Moneta.Grains.Disputes;

/// <summary>The terms of a dispute-contract, read from its payload (which the template has already validated).</summary>
public sealed record DisputeTerms(string DisputedContractId, Money Amount, string ReasonCode)
{
    public static DisputeTerms Of(JsonElement payload)
    {
        var currency = Currency.Of(payload.GetProperty("currency").GetString()!);
        var amount = decimal.Parse(payload.GetProperty("amount").GetString()!, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return new DisputeTerms(payload.GetProperty("disputed_contract_id").GetString()!, new Money(amount, currency), payload.GetProperty("reason_code").GetString()!);
    }
}
