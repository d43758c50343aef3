namespace Moneta.Grains.Contracts;

public sealed record ContractRejection(string Role, string Reason, string Signature, DateTimeOffset RejectedAt);
