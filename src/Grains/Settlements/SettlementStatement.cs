using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Contracts;

namespace Moneta.Grains.Settlements;

/// <summary>The settlement-contract v1 a closed batch issues: its figures as the parties sign them (docs/protocol.md).</summary>
public static class SettlementStatement
{
    public static ContractIssue For(SettlementBatchState closed)
    {
        var batch = closed.Batch!;
        var figures = closed.Figures!;
        string Amount(decimal value) => new Money(value, closed.Currency).ToString();
        var payload = new JsonObject
        {
            ["batch_id"] = batch.BatchId,
            ["period_start"] = Instant(batch.Period.Start),
            ["period_end"] = Instant(batch.Period.End),
            ["currency"] = batch.Account.Currency,
            ["line_count"] = closed.LineCount,
            ["lines_digest"] = closed.LinesDigest,
            ["gross"] = Amount(figures.Gross),
            ["moneta_fee"] = Amount(figures.MonetaFee),
            ["mo_share"] = Amount(figures.MoShare),
            ["publisher_payout"] = Amount(figures.PublisherPayout),
            ["carried_in"] = Amount(figures.CarriedIn),
            ["carried_out"] = Amount(figures.CarriedOut),
        };
        return new ContractIssue(
            closed.SettlementContractId!, SettlementContractFlow.Template, SettlementContractFlow.TemplateVersion,
            batch.Account.MoId, batch.Account.PublisherId, MpassId: null, JsonSerializer.SerializeToElement(payload));
    }

    /// <summary>RFC 3339 in UTC, whole seconds: period bounds are midnights.</summary>
    private static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
