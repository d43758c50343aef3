namespace Moneta.Grains.Contracts;

public sealed record ContractSignature(string Role, string Signature, string Kid, string SignedBy, DateTimeOffset SignedAt);
