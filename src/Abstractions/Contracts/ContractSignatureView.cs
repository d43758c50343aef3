namespace Moneta.Contracts;

/// <summary>A signature in a contract's <c>signatures_map</c>.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.ContractSignatureView")]
public sealed record ContractSignatureView(string Signature, string Kid, DateTimeOffset SignedAt);
