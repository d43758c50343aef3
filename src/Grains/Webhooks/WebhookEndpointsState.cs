using Moneta.GrainModel;
using Moneta.Webhooks;

namespace Moneta.Grains.Webhooks;

/// <summary>An organization's endpoints. Indexed by endpoint id, so an endpoint id leads to its organization.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.WebhookEndpointsState")]
public sealed record WebhookEndpointsState : IIndexedState
{
    [Id(0)]
    public IReadOnlyList<WebhookEndpoint> Endpoints { get; init; } = [];

    /// <summary>The event types the enabled endpoints take, together.</summary>
    public WebhookInterest Interest =>
        WebhookInterest.Of(Endpoints.Where(e => e.Status == WebhookEndpointStatuses.Enabled).Select(e => e.EventTypes));

    public WebhookEndpoint? Find(string endpointId) => Endpoints.FirstOrDefault(e => e.Id == endpointId);

    public WebhookEndpointsState With(WebhookEndpoint endpoint) =>
        this with { Endpoints = [.. Endpoints.Where(e => e.Id != endpoint.Id), endpoint] };

    public WebhookEndpointsState Without(string endpointId) =>
        this with { Endpoints = [.. Endpoints.Where(e => e.Id != endpointId)] };

    public IEnumerable<IndexEntry> GetIndexEntries() =>
        Endpoints.Select(e => new IndexEntry("endpoint_id", e.Id, ""));
}
