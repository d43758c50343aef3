using System.Text.Json;

namespace Moneta.Webhooks;

/// <summary>One event on its way to one endpoint, with every attempt so far.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.WebhookDeliveryView")]
public sealed record WebhookDeliveryView(
    string Id,
    string EndpointId,
    string OrganizationId,
    string EventId,
    string EventType,
    DateTimeOffset EventTimestamp,
    JsonElement Data,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    IReadOnlyList<WebhookAttempt> Attempts);
