using Moneta.GrainModel;

namespace Moneta.Webhooks;

/// <summary>An endpoint as partners see it. The signing secret is shown only when it is created or rotated.</summary>
public sealed record WebhookEndpointView(
    string Id,
    string OrganizationId,
    string Url,
    IReadOnlyList<string> EventTypes,
    string? Description,
    string Status,
    string? DisabledReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PreviousSecretExpiresAt);

/// <summary>The answer to creating an endpoint or rotating its secret: the only time the secret is shown.</summary>
public sealed record WebhookEndpointWithSecret(WebhookEndpointView Endpoint, string Secret);

/// <summary>
/// What a new endpoint is; <see cref="EventTypes"/> empty means every event type. <see cref="Id"/> is the id the
/// request reserved (with its idempotency key): creating it again returns the endpoint already created.
/// </summary>
public sealed record WebhookEndpointRegistration(string Url, IReadOnlyList<string> EventTypes, string? Description, string Id);

/// <summary>A change to an endpoint; null members stay as they are.</summary>
public sealed record WebhookEndpointChange(string? Url, IReadOnlyList<string>? EventTypes, string? Description, string? Status);

/// <summary>What a dispatcher needs to send to an endpoint: its address and the secrets that sign (two during a rotation).</summary>
public sealed record WebhookTarget(string EndpointId, string Url, IReadOnlyList<string> EventTypes, bool Enabled, IReadOnlyList<string> Secrets)
{
    public bool Wants(string eventType) => Enabled && (EventTypes.Count == 0 || EventTypes.Contains(eventType));

    /// <summary>A test event goes to the endpoint it names and no other; every other event to the endpoints that want its type.</summary>
    public bool Receives(GrainEvent @event) =>
        @event.Type == WebhookEventTypes.WebhookTest
            ? Enabled && @event.Data.TryGetProperty("endpoint_id", out var endpoint) && endpoint.ValueKind == System.Text.Json.JsonValueKind.String && endpoint.GetString() == EndpointId
            : Wants(@event.Type);
}

/// <summary>A test event on its way: the event's id, and the delivery to follow (GET /api/v1/webhooks/deliveries/{delivery_id}).</summary>
public sealed record WebhookTestSent(string EventId, string DeliveryId);

/// <summary>An organization's webhook endpoints (a grain per organization; the key is the organization id).</summary>
public interface IWebhookEndpointsGrain : IGrainWithStringKey
{
    Task<WebhookEndpointWithSecret> Create(WebhookEndpointRegistration registration);

    Task<IReadOnlyList<WebhookEndpointView>> List();

    Task<WebhookEndpointView?> Find(string endpointId);

    Task<WebhookEndpointView> Change(string endpointId, WebhookEndpointChange change);

    Task Delete(string endpointId);

    /// <summary>A new secret signs from now on; the old one also signs until <paramref name="overlap"/> (null: the configured default) has passed.</summary>
    Task<WebhookEndpointWithSecret> RotateSecret(string endpointId, TimeSpan? overlap);

    /// <summary>Sends a signed webhook.test event to the endpoint through the normal delivery path (outbox, dispatcher, retries).</summary>
    Task<WebhookTestSent> SendTest(string endpointId);

    /// <summary>Moneta disables an endpoint that answered 410 Gone; its organization may enable it again.</summary>
    Task Disable(string endpointId, string reason);

    /// <summary>The endpoints as dispatchers need them, secrets included; never returned over the API.</summary>
    Task<IReadOnlyList<WebhookTarget>> Targets();
}
