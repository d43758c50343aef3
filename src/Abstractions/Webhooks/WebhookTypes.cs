namespace Moneta.Webhooks;

/// <summary>The events Moneta announces by webhook, and to whom.</summary>
public static class WebhookEventTypes
{
    /// <summary>To the party whose signature the contract now waits for.</summary>
    public const string ContractAwaitingSignature = "contract.awaiting_signature";

    public const string ContractFinalized = "contract.finalized";
    public const string ContractRejected = "contract.rejected";
    public const string ContractExpired = "contract.expired";
    public const string ContractVoided = "contract.voided";

    /// <summary>To the organization whose status changed.</summary>
    public const string OrganizationStatusChanged = "organization.status_changed";

    /// <summary>To the MO that issued the mPass.</summary>
    public const string MPassStatusChanged = "mpass.status_changed";

    /// <summary>To the one endpoint it was asked for (POST .../webhooks/{endpoint_id}/test), whatever its event_types.</summary>
    public const string WebhookTest = "webhook.test";

    public static IReadOnlyList<string> All { get; } =
    [
        ContractAwaitingSignature, ContractFinalized, ContractRejected, ContractExpired, ContractVoided,
        OrganizationStatusChanged, MPassStatusChanged, WebhookTest,
    ];
}

public static class WebhookEndpointStatuses
{
    public const string Enabled = "enabled";

    /// <summary>Disabled by its organization, or by Moneta after the endpoint answered 410 Gone.</summary>
    public const string Disabled = "disabled";
}

public static class WebhookDeliveryStatuses
{
    /// <summary>Waiting for its turn or for its next attempt.</summary>
    public const string Pending = "pending";

    public const string Delivered = "delivered";

    /// <summary>Every attempt failed (or the endpoint was disabled); redrive sends it again.</summary>
    public const string Dead = "dead";

    public static IReadOnlyList<string> All { get; } = [Pending, Delivered, Dead];
}

/// <summary>
/// Where an organization's events about one subject go: one dispatcher per organization and subject (a contract,
/// an mPass, the organization itself), so that a subject's events stay in order and subjects proceed in parallel.
/// </summary>
public static class WebhookSubjects
{
    public static string DispatcherKey(string organizationId, string subjectType, string subjectId) => $"{organizationId}/{subjectType}/{subjectId}";

    public static string DeliveryId(string endpointId, string eventId) => $"{endpointId}:{eventId}";
}
