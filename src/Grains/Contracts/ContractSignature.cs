namespace Moneta.Grains.Contracts;

[GenerateSerializer, Immutable, Alias("Moneta.Grains.ContractSignature")]
public sealed record ContractSignature(string Role, string Signature, string Kid, string SignedBy, DateTimeOffset SignedAt);
