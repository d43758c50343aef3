using System.Globalization;
using System.Text.Json;
using Moneta.GrainModel;
using Moneta.Webhooks;

namespace Moneta.Grains.Webhooks;

/// <summary>One event for one endpoint, and every attempt to deliver it.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.WebhookDeliveryState")]
public sealed record WebhookDeliveryState : IIndexedState
{
    /// <summary>Older attempts beyond this many are dropped from the record (a delivery redriven many times).</summary>
    private const int MaxAttemptsKept = 100;

    [Id(0)]
    public string EndpointId { get; init; } = "";
    [Id(1)]
    public string OrganizationId { get; init; } = "";
    [Id(2)]
    public string DispatcherKey { get; init; } = "";
    [Id(3)]
    public GrainEvent Event { get; init; } = new("", "", default, default);
    [Id(4)]
    public string Status { get; init; } = WebhookDeliveryStatuses.Pending;
    [Id(5)]
    public DateTimeOffset CreatedAt { get; init; }
    [Id(6)]
    public DateTimeOffset? NextAttemptAt { get; init; }
    [Id(7)]
    public DateTimeOffset? DeliveredAt { get; init; }
    [Id(8)]
    public IReadOnlyList<WebhookAttempt> Attempts { get; init; } = [];

    /// <summary>Attempts since the delivery was created or last redriven: the position in the retry schedule.</summary>
    [Id(9)]
    public int AttemptsInRound { get; init; }

    public WebhookDeliveryState WithAttempt(WebhookAttempt attempt) => this with
    {
        Attempts = [.. Attempts.TakeLast(MaxAttemptsKept - 1), attempt],
        AttemptsInRound = AttemptsInRound + 1,
    };

    public IEnumerable<IndexEntry> GetIndexEntries()
    {
        var created = CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
        yield return new IndexEntry("endpoint_id", EndpointId, created);
        yield return new IndexEntry("endpoint_status", $"{EndpointId}|{Status}", created);
    }

    public WebhookDeliveryView ToView(string id) => new(
        id, EndpointId, OrganizationId, Event.Id, Event.Type, Event.OccurredAt, Event.Data, Status,
        CreatedAt, NextAttemptAt, DeliveredAt, Attempts);

    /// <summary>The body partners receive: {"id", "type", "timestamp", "data"}, the same bytes on every attempt.</summary>
    public byte[] Body() => JsonSerializer.SerializeToUtf8Bytes(new WebhookBody(
        Event.Id, Event.Type, Event.OccurredAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture), Event.Data));

    private sealed record WebhookBody(
        [property: System.Text.Json.Serialization.JsonPropertyName("id")] string Id,
        [property: System.Text.Json.Serialization.JsonPropertyName("type")] string Type,
        [property: System.Text.Json.Serialization.JsonPropertyName("timestamp")] string Timestamp,
        [property: System.Text.Json.Serialization.JsonPropertyName("data")] JsonElement Data);
}
