using Moneta.Settlements;

namespace Moneta.Webhooks;

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
        [WebhookEventTypes.DisputeOpened] = typeof(ContractEventData),
        [WebhookEventTypes.DisputeAccepted] = typeof(ContractEventData),
        [WebhookEventTypes.DisputeDeclined] = typeof(ContractEventData),
        [WebhookEventTypes.DisputeAcceptedByDefault] = typeof(ContractEventData),
        [WebhookEventTypes.DisputeWithdrawn] = typeof(ContractEventData),
        [WebhookEventTypes.SettlementAwaitingSignature] = typeof(SettlementEventData),
        [WebhookEventTypes.SettlementSettled] = typeof(SettlementEventData),
        [WebhookEventTypes.SettlementContested] = typeof(SettlementEventData),
        [WebhookEventTypes.OrganizationStatusChanged] = typeof(OrganizationStatusChangedData),
        [WebhookEventTypes.MPassStatusChanged] = typeof(MPassStatusChangedData),
        [WebhookEventTypes.WebhookTest] = typeof(WebhookTestData),
    };
}
