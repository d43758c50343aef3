using System.Text.Json.Serialization;

namespace Moneta.Settlements;

/// <summary>How long a settlement period is, in UTC: a day, an ISO week (from Monday 00:00) or a calendar month.</summary>
[JsonConverter(typeof(WireEnumConverter<SettlementPeriodKind>))]
[GenerateSerializer, Alias("Moneta.SettlementPeriodKind")]
public enum SettlementPeriodKind
{
    Daily,
    Weekly,
    Monthly,
}
