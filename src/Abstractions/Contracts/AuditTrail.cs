namespace Moneta.Contracts;

[GenerateSerializer, Immutable, Alias("Moneta.AuditTrail")]
public sealed record AuditTrail(string ContractId, IReadOnlyList<AuditEvent> Events, bool Verified);
