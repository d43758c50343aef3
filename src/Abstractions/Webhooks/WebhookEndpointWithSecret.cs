namespace Moneta.Webhooks;

/// <summary>The answer to creating an endpoint or rotating its secret: the only time the secret is shown.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.WebhookEndpointWithSecret")]
public sealed record WebhookEndpointWithSecret(WebhookEndpointView Endpoint, string Secret);
