namespace Moneta.Webhooks;

/// <summary>What a new endpoint is; <see cref="EventTypes"/> empty means every event type.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.WebhookEndpointRegistration")]
public sealed record WebhookEndpointRegistration(string Url, IReadOnlyList<string> EventTypes, string? Description);
