namespace Moneta.Contracts;

/// <summary>The contract after an initiation; <see cref="Created"/> is false when the request was a retry of the one that created it.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.ContractInitiated")]
public sealed record ContractInitiated(ContractView Contract, bool Created);
