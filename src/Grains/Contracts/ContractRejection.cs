namespace Moneta.Grains.Contracts;

[GenerateSerializer, Immutable, Alias("Moneta.Grains.ContractRejection")]
public sealed record ContractRejection(string Role, string Reason, string Signature, DateTimeOffset RejectedAt);
