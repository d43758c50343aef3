namespace Moneta.Webhooks;

/// <summary>A change to an endpoint; null members stay as they are.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.WebhookEndpointChange")]
public sealed record WebhookEndpointChange(string? Url, IReadOnlyList<string>? EventTypes, string? Description, string? Status);
