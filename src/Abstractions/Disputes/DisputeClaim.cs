namespace Moneta.Disputes;

/// <summary>A dispute about to be created against a charge: its amount, in the charge's currency, and the charge's own amount.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.DisputeClaim")]
public sealed record DisputeClaim(string DisputeId, decimal Amount, string ReasonCode, decimal ChargeAmount, string Currency);
