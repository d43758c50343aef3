using Moneta.GrainModel;
using Moneta.Webhooks;

namespace Moneta.Grains.Webhooks;

/// <summary>One endpoint as stored, with its signing secrets.</summary>
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
    public IReadOnlyList<string> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is not null && now < PreviousSecretExpiresAt ? [Secret, PreviousSecret] : [Secret];

    public WebhookEndpointView ToView(string organizationId, DateTimeOffset now) => new(
        Id, organizationId, Url, EventTypes, Description, Status, DisabledReason, CreatedAt, UpdatedAt,
        PreviousSecretExpiresAt > now ? PreviousSecretExpiresAt : null);
}

/// <summary>An organization's endpoints. Indexed by endpoint id, so an endpoint id leads to its organization.</summary>
public sealed record WebhookEndpointsState : IIndexedState
{
    public IReadOnlyList<WebhookEndpoint> Endpoints { get; init; } = [];

    public WebhookEndpoint? Find(string endpointId) => Endpoints.FirstOrDefault(e => e.Id == endpointId);

    public WebhookEndpointsState With(WebhookEndpoint endpoint) =>
        this with { Endpoints = [.. Endpoints.Where(e => e.Id != endpoint.Id), endpoint] };

    public WebhookEndpointsState Without(string endpointId) =>
        this with { Endpoints = [.. Endpoints.Where(e => e.Id != endpointId)] };

    public IEnumerable<IndexEntry> GetIndexEntries() =>
        Endpoints.Select(e => new IndexEntry("endpoint_id", e.Id, ""));
}
