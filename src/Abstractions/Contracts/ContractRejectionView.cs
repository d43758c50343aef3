namespace Moneta.Contracts;

[GenerateSerializer, Immutable, Alias("Moneta.ContractRejectionView")]
public sealed record ContractRejectionView(string Role, string Reason, string Signature, DateTimeOffset RejectedAt);
