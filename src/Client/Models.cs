using System.Text.Json;
using System.Text.Json.Nodes;

namespace Moneta.Client;

// The wire format, as partners receive it (docs/protocol.md). Members Moneta adds later are ignored, never an error.

public sealed record Organization(
    string Id, string Kind, string Name, string? Mic, string Status, IReadOnlyList<OrganizationKey> Keys, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool IsActive);

public sealed record OrganizationKey(string Kid, string Alg, string Status, JsonObject Jwk, DateTimeOffset AddedAt, DateTimeOffset? NotBefore, DateTimeOffset? NotAfter);

/// <summary>An organization to register (administrator); <see cref="Mic"/> for MOs only.</summary>
public sealed record NewOrganization(string Name, IReadOnlyList<JsonObject> Keys, string? Id = null, string? Mic = null);

public sealed record MPass(string Id, string MoId, string Tier, string Status, DateTimeOffset? ValidUntil, DateTimeOffset IssuedAt, DateTimeOffset UpdatedAt);

public sealed record Contract(
    string ContractId,
    string TemplateId,
    int TemplateVersion,
    string MoId,
    string PublisherId,
    string? MpassId,
    JsonObject Payload,
    IReadOnlyDictionary<string, ContractSignature> SignaturesMap,
    IReadOnlyList<string> SigningOrder,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? FinalizedAt,
    ContractRejection? Rejection)
{
    /// <summary>The role whose signature comes next, or null once every role has signed.</summary>
    public string? NextRole => SignaturesMap.Count < SigningOrder.Count ? SigningOrder[SignaturesMap.Count] : null;

    /// <summary>The signature of the last role that signed, the <c>previous</c> of the next signing input.</summary>
    public string? LastSignature => SignaturesMap.Count == 0 ? null : SignaturesMap[SigningOrder[SignaturesMap.Count - 1]].Signature;
}

public sealed record ContractSignature(string Signature, string Kid, DateTimeOffset SignedAt);

public sealed record ContractRejection(string Role, string Reason, string Signature, DateTimeOffset RejectedAt);

/// <summary>
/// A contract to initiate. <see cref="MoId"/> defaults to the calling organization; <see cref="ContractId"/> to a new
/// UUID. The client signs the terms as <see cref="InitiatorRole"/> (the template's first signer). <see cref="MpassId"/> is
/// null for a template that names no mPass (settlement-terms).
/// </summary>
public sealed record NewContract(
    string PublisherId,
    string? MpassId,
    JsonObject Payload,
    string? ContractId = null,
    string? MoId = null,
    string TemplateId = "transaction-contract",
    int TemplateVersion = 1,
    string InitiatorRole = "mo");

/// <summary>Filters of a contract list: a party and/or a status, optionally a creation time range.</summary>
public sealed record ContractQuery(
    string? MoId = null, string? PublisherId = null, string? MpassId = null, string? Status = null,
    DateTimeOffset? CreatedAfter = null, DateTimeOffset? CreatedBefore = null, int? PageSize = null);

public sealed record AuditEvent(int Sequence, string Type, DateTimeOffset At, string Actor, string? Role, string? Detail, string? PreviousHash);

public sealed record AuditTrail(string ContractId, IReadOnlyList<AuditEvent> Events, bool Verified);

public sealed record SignatureVerification(string Role, string Kid, string SignedBy, DateTimeOffset SignedAt, bool Valid);

public sealed record ContractVerification(string ContractId, bool Verified, IReadOnlyList<SignatureVerification> Signatures, bool AuditVerified);

public sealed record WebhookEndpoint(
    string Id, string OrganizationId, string Url, IReadOnlyList<string> EventTypes, string? Description, string Status, string? DisabledReason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A new endpoint and its signing secret, shown this once.</summary>
public sealed record WebhookEndpointWithSecret(WebhookEndpoint Endpoint, string Secret);

public sealed record WebhookAttempt(DateTimeOffset AttemptedAt, int? StatusCode, long LatencyMs, string? Error);

public sealed record WebhookDelivery(
    string Id, string EndpointId, string OrganizationId, string EventId, string EventType, DateTimeOffset EventTimestamp, JsonElement Data,
    string Status, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt, DateTimeOffset? DeliveredAt, IReadOnlyList<WebhookAttempt> Attempts);

public sealed record WebhookTestSent(string EventId, string DeliveryId);

/// <summary>A verified webhook: <c>{"id", "type", "timestamp", "data"}</c> (docs/webhooks.md lists each type's data).</summary>
public sealed record WebhookEvent(string Id, string Type, DateTimeOffset Timestamp, JsonElement Data);

public sealed record SandboxClock(DateTimeOffset Now, long OffsetSeconds);

internal sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

internal sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

internal sealed record Discovery(string Issuer, string TokenEndpoint, string JwksUri);

internal static class Wire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
