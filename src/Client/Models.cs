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
    ContractRejection? Rejection,
    DisputeDetails? Dispute = null,
    IReadOnlyList<ChargeDispute>? Disputes = null)
{
    /// <summary>The role whose signature comes next, or null once every role has signed.</summary>
    public string? NextRole => SignaturesMap.Count < SigningOrder.Count ? SigningOrder[SignaturesMap.Count] : null;

    /// <summary>The signature of the last role that signed, the <c>previous</c> of the next signing input.</summary>
    public string? LastSignature => SignaturesMap.Count == 0 ? null : SignaturesMap[SigningOrder[SignaturesMap.Count - 1]].Signature;
}

/// <summary>On a dispute: the charge it disputes and its resolution (null until the publisher answers: accepted, declined, accepted_by_default, withdrawn).</summary>
public sealed record DisputeDetails(string DisputedContractId, string? Resolution);

/// <summary>On a charge read by itself: one of its disputes, <see cref="Status"/> pending or its resolution.</summary>
public sealed record ChargeDispute(string DisputeId, string Amount, string ReasonCode, string Status, DateTimeOffset OpenedAt, DateTimeOffset? ResolvedAt);

/// <summary>
/// A dispute to file (dispute-contract): the charge, the amount disputed (a decimal string in the charge's currency),
/// a reason code (not_received, duplicate, fraudulent, cancelled, other), optional evidence (hashes of documents) and
/// description. <see cref="MoId"/> defaults to the calling organization; <see cref="ContractId"/> to a new UUID.
/// </summary>
public sealed record NewDispute(
    string PublisherId,
    string MpassId,
    string DisputedContractId,
    string Amount,
    string Currency,
    string ReasonCode,
    IReadOnlyList<DisputeEvidence>? Evidence = null,
    string? Description = null,
    string? ContractId = null,
    string? MoId = null,
    int TemplateVersion = 1)
{
    /// <summary>The dispute-contract payload the MO signs: exactly the members given.</summary>
    internal JsonObject Payload()
    {
        var payload = new JsonObject { ["disputed_contract_id"] = DisputedContractId, ["amount"] = Amount, ["currency"] = Currency, ["reason_code"] = ReasonCode };
        if (Evidence is not null)
        {
            payload["evidence"] = new JsonArray([.. Evidence.Select(e =>
            {
                var item = new JsonObject { ["type"] = e.Type, ["sha256"] = e.Sha256 };
                if (e.Description is not null) item["description"] = e.Description;
                return (JsonNode)item;
            })]);
        }

        if (Description is not null) payload["description"] = Description;
        return payload;
    }
}

/// <summary>A document supporting a dispute: its kind, the lowercase hex SHA-256 of the document, a note.</summary>
public sealed record DisputeEvidence(string Type, string Sha256, string? Description = null);

/// <summary>A settlement batch (GET /api/v1/settlements/{batch_id}); the figures are null while it is open. Amounts are decimal strings.</summary>
public sealed record SettlementBatch(
    string BatchId,
    string MoId,
    string PublisherId,
    string Currency,
    string Period,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    int Sequence,
    string Status,
    DateTimeOffset OpenedAt,
    DateTimeOffset? ClosedAt,
    string TermsContractId,
    int MonetaFeeBps,
    int MoShareBps,
    string MinimumPayout,
    string? SettlementContractId,
    int LineCount,
    string? LinesDigest,
    string? Gross,
    string? MonetaFee,
    string? MoShare,
    string? PublisherPayout,
    string? CarriedIn,
    string? CarriedOut);

/// <summary>A line of a batch exactly as it enters lines_digest: kind charge or dispute, the amount with the currency's digits.</summary>
public sealed record SettlementLine(string SourceContractId, string Kind, string Amount);

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
