using System.Text.Json;

namespace Moneta.Contracts;

public static class ContractStatuses
{
    public const string Finalized = "finalized";
    public const string Rejected = "rejected";
    public const string Expired = "expired";
    public const string Voided = "voided";

    public static string PendingSignatureOf(string role) => $"pending_{role}_signature";

    /// <summary>Every status a contract can be seen in (Moneta's own turn never shows: it countersigns at once).</summary>
    public static IReadOnlyList<string> All { get; } =
        [PendingSignatureOf(Roles.Mo), PendingSignatureOf(Roles.Publisher), Finalized, Rejected, Expired, Voided];

    public static bool IsPending(string status) => status.StartsWith("pending_", StringComparison.Ordinal);
}

/// <summary>The initiator's request: the contract's terms and the initiator's signature over them.</summary>
public sealed record ContractInitiation(
    string ContractId,
    string TemplateId,
    int TemplateVersion,
    string MoId,
    string PublisherId,
    string MpassId,
    JsonElement Payload,
    string Signature);

/// <summary>The contract after an initiation; <see cref="Created"/> is false when the request was a retry of the one that created it.</summary>
public sealed record ContractInitiated(ContractView Contract, bool Created);

/// <summary>A signature in a contract's <c>signatures_map</c>.</summary>
public sealed record ContractSignatureView(string Signature, string Kid, DateTimeOffset SignedAt);

public sealed record ContractRejectionView(string Role, string Reason, string Signature, DateTimeOffset RejectedAt);

public sealed record ContractView(
    string ContractId,
    string TemplateId,
    int TemplateVersion,
    string MoId,
    string PublisherId,
    string MpassId,
    JsonElement Payload,
    IReadOnlyDictionary<string, ContractSignatureView> SignaturesMap,
    IReadOnlyList<string> SigningOrder,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? FinalizedAt,
    ContractRejectionView? Rejection)
{
    public bool IsParty(string organizationId) => organizationId == MoId || organizationId == PublisherId;
}

/// <summary>One entry of a contract's audit trail. <see cref="PreviousHash"/> is the SHA-256 of the entry before.</summary>
public sealed record AuditEvent(
    int Sequence,
    string Type,
    DateTimeOffset At,
    string Actor,
    string? Role,
    string? Detail,
    string? PreviousHash);

public sealed record AuditTrail(string ContractId, IReadOnlyList<AuditEvent> Events, bool Verified);

/// <summary>One signature re-checked: it verifies over its step's signing input with the key it names, and that key was valid when it signed.</summary>
public sealed record SignatureVerification(string Role, string Kid, string SignedBy, DateTimeOffset SignedAt, bool Valid);

/// <summary>Every signature and the audit chain of a contract, checked again now.</summary>
public sealed record ContractVerification(string ContractId, bool Verified, IReadOnlyList<SignatureVerification> Signatures, bool AuditVerified);
