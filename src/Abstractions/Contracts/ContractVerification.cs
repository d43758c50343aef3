namespace Moneta.Contracts;

/// <summary>Every signature and the audit chain of a contract, checked again now.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.ContractVerification")]
public sealed record ContractVerification(string ContractId, bool Verified, IReadOnlyList<SignatureVerification> Signatures, bool AuditVerified);
