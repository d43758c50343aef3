namespace Moneta.Contracts;

/// <summary>One entry of a contract's audit trail. <see cref="PreviousHash"/> is the SHA-256 of the entry before.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.AuditEvent")]
public sealed record AuditEvent(
    int Sequence,
    string Type,
    DateTimeOffset At,
    string Actor,
    string? Role,
    string? Detail,
    string? PreviousHash);
