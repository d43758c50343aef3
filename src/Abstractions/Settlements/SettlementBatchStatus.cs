using System.Text.Json.Serialization;

namespace Moneta.Settlements;

/// <summary>Where a settlement batch is in its life.</summary>
[JsonConverter(typeof(WireEnumConverter<SettlementBatchStatus>))]
[GenerateSerializer, Alias("Moneta.SettlementBatchStatus")]
public enum SettlementBatchStatus
{
    /// <summary>Taking lines: the open batch of its pair and currency.</summary>
    Open,

    /// <summary>Closed: its figures are fixed and its settlement contract waits for the MO's and the publisher's signatures.</summary>
    AwaitingSignatures,

    /// <summary>Both parties signed the settlement contract.</summary>
    Settled,

    /// <summary>A party rejected the settlement contract, or let it expire: reconciliation resolves it.</summary>
    Contested,
}
