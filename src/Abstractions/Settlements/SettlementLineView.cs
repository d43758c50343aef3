namespace Moneta.Settlements;

/// <summary>A batch line on the wire, exactly as it enters lines_digest: the amount with the currency's minor-unit digits.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.SettlementLineView")]
public sealed record SettlementLineView(string SourceContractId, SettlementLineKind Kind, string Amount);
