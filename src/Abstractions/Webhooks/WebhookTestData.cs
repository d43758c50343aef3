namespace Moneta.Webhooks;

/// <summary>webhook.test, to the endpoint it was asked for.</summary>
public sealed record WebhookTestData(string OrganizationId, string EndpointId, string Message);
