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

    /// <summary>To both parties of a dispute: the MO opened it (the publisher also hears contract.awaiting_signature).</summary>
    public const string DisputeOpened = "dispute.opened";

    /// <summary>To both parties: the publisher signed the dispute.</summary>
    public const string DisputeAccepted = "dispute.accepted";

    /// <summary>To both parties: the publisher declined it with a signed rejection.</summary>
    public const string DisputeDeclined = "dispute.declined";

    /// <summary>To both parties: the publisher let the deadline pass, and so lost the dispute.</summary>
    public const string DisputeAcceptedByDefault = "dispute.accepted_by_default";

    /// <summary>To both parties: the MO voided the dispute.</summary>
    public const string DisputeWithdrawn = "dispute.withdrawn";

    /// <summary>To both parties: a batch closed and its settlement contract waits for their signatures.</summary>
    public const string SettlementAwaitingSignature = "settlement.awaiting_signature";

    /// <summary>To both parties: both signed the settlement contract.</summary>
    public const string SettlementSettled = "settlement.settled";

    /// <summary>To both parties: a party rejected the settlement contract or let it expire.</summary>
    public const string SettlementContested = "settlement.contested";

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
        DisputeOpened, DisputeAccepted, DisputeDeclined, DisputeAcceptedByDefault, DisputeWithdrawn,
        SettlementAwaitingSignature, SettlementSettled, SettlementContested,
        OrganizationStatusChanged, MPassStatusChanged, WebhookTest,
    ];
}
