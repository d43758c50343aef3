namespace Moneta.Settlements;

/// <summary>
/// An MO, a publisher and a currency: what a settlement account, its terms and its batches belong to. As a grain key
/// it is "{mo_id}/{publisher_id}/{currency}" ('/' is not in the id alphabet, so the parts cannot be confused).
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.SettlementAccountKey")]
public sealed record SettlementAccountKey(string MoId, string PublisherId, string Currency)
{
    public override string ToString() => $"{MoId}/{PublisherId}/{Currency}";

    public static SettlementAccountKey Parse(string key) =>
        key.Split('/') is [var mo, var publisher, var currency] && Ids.IsValid(mo) && Ids.IsValid(publisher) && Moneta.Currency.TryParse(currency, out _)
            ? new SettlementAccountKey(mo, publisher, currency)
            : throw new FormatException($"'{key}' is not a settlement account key (mo_id/publisher_id/currency).");
}
