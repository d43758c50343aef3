using System.Text.Json.Serialization;

namespace Moneta.Settlements;

/// <summary>What a batch line comes from: a finalized charge (a positive amount) or an accepted dispute (a negative one).</summary>
[JsonConverter(typeof(WireEnumConverter<SettlementLineKind>))]
[GenerateSerializer, Alias("Moneta.SettlementLineKind")]
public enum SettlementLineKind
{
    Charge,
    Dispute,
}
