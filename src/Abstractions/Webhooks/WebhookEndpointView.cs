namespace Moneta.Webhooks;

/// <summary>An endpoint as partners see it. The signing secret is shown only when it is created or rotated.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.WebhookEndpointView")]
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
