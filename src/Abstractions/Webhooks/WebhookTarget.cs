using Moneta.GrainModel;

namespace Moneta.Webhooks;

/// <summary>What a dispatcher needs to send to an endpoint: its address and the secrets that sign (two during a rotation).</summary>
[GenerateSerializer, Immutable, Alias("Moneta.WebhookTarget")]
public sealed record WebhookTarget(string EndpointId, string Url, IReadOnlyList<string> EventTypes, bool Enabled, IReadOnlyList<string> Secrets)
{
    public bool Wants(string eventType) => Enabled && WebhookEventTypes.Match(EventTypes, eventType);

    /// <summary>A test event goes to the endpoint it names and no other; every other event to the endpoints that want its type.</summary>
    public bool Receives(GrainEvent @event) =>
        @event.Type == WebhookEventTypes.WebhookTest
            ? Enabled && @event.Data.TryGetProperty("endpoint_id", out var endpoint) && endpoint.ValueKind == System.Text.Json.JsonValueKind.String && endpoint.GetString() == EndpointId
            : Wants(@event.Type);
}
