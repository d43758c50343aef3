namespace Moneta.Webhooks;

/// <summary>
/// What a new endpoint is; <see cref="EventTypes"/> empty means every event type. <see cref="Id"/> is the id the
/// request reserved (with its idempotency key): creating it again returns the endpoint already created.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.WebhookEndpointRegistration")]
public sealed record WebhookEndpointRegistration(string Url, IReadOnlyList<string> EventTypes, string? Description, string Id);
