using Moneta.Webhooks;

namespace Moneta.Grains.Webhooks;

/// <summary>One endpoint as stored, with its signing secrets.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.WebhookEndpoint")]
public sealed record WebhookEndpoint(
    string Id,
    string Url,
    IReadOnlyList<string> EventTypes,
    string? Description,
    string Status,
    string? DisabledReason,
    string Secret,
    string? PreviousSecret,
    DateTimeOffset? PreviousSecretExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The secrets that sign now: the current one, and the previous one while its rotation overlap lasts.</summary>
    public bool Wants(string eventType) => Status == WebhookEndpointStatuses.Enabled && WebhookEventTypes.Match(EventTypes, eventType);

    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is not null && now < PreviousSecretExpiresAt ? [Secret, PreviousSecret] : [Secret];

    public WebhookEndpointView ToView(string organizationId, DateTimeOffset now) => new(
        Id, organizationId, Url, EventTypes, Description, Status, DisabledReason, CreatedAt, UpdatedAt,
        PreviousSecretExpiresAt > now ? PreviousSecretExpiresAt : null);
}
