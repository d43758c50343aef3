using Moneta.Contracts;

namespace Moneta.Webhooks;

/// <summary>
/// The body of every webhook: <c>{"id", "type", "timestamp", "data"}</c>. The records below are the <c>data</c> of
/// each event type; grains build events from them, and the OpenAPI document's <c>webhooks</c> describe them, so the
/// two cannot drift apart.
/// </summary>
/// <param name="Timestamp">When the event happened, RFC 3339 in UTC with microseconds.</param>
public sealed record WebhookEnvelope<TData>(string Id, string Type, string Timestamp, TData Data);

/// <summary>Every contract.* event: the contract as GET /api/v1/contracts/{id} returns it, and whose signature it now awaits.</summary>
public sealed record ContractEventData(ContractView Contract, string? AwaitingRole);

/// <summary>organization.status_changed, to the organization itself.</summary>
public sealed record OrganizationStatusChangedData(string OrganizationId, string Kind, string From, string To, string? Reason);

/// <summary>mpass.status_changed, to the issuing MO.</summary>
public sealed record MPassStatusChangedData(string MpassId, string MoId, string From, string To, string? Reason);

/// <summary>webhook.test, to the endpoint it was asked for.</summary>
public sealed record WebhookTestData(string OrganizationId, string EndpointId, string Message);

/// <summary>Which <c>data</c> each event type carries.</summary>
public static class WebhookPayloads
{
    public static IReadOnlyDictionary<string, Type> DataTypes { get; } = new Dictionary<string, Type>
    {
        [WebhookEventTypes.ContractAwaitingSignature] = typeof(ContractEventData),
        [WebhookEventTypes.ContractFinalized] = typeof(ContractEventData),
        [WebhookEventTypes.ContractRejected] = typeof(ContractEventData),
        [WebhookEventTypes.ContractExpired] = typeof(ContractEventData),
        [WebhookEventTypes.ContractVoided] = typeof(ContractEventData),
        [WebhookEventTypes.OrganizationStatusChanged] = typeof(OrganizationStatusChangedData),
        [WebhookEventTypes.MPassStatusChanged] = typeof(MPassStatusChangedData),
        [WebhookEventTypes.WebhookTest] = typeof(WebhookTestData),
    };
}
