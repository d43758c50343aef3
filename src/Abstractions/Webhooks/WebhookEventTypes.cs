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

    /// <summary>An endpoint's event_types filter: empty takes every type.</summary>
    public static bool Match(IReadOnlyList<string> filter, string eventType) => filter.Count == 0 || filter.Contains(eventType);

    public static IReadOnlyList<string> All { get; } =
    [
        ContractAwaitingSignature, ContractFinalized, ContractRejected, ContractExpired, ContractVoided,
        OrganizationStatusChanged, MPassStatusChanged, WebhookTest,
    ];
}
