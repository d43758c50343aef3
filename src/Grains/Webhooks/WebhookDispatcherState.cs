namespace Moneta.Grains.Webhooks;

/// <summary>One organization's queues for one subject, one per endpoint, and the events already taken in.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.WebhookDispatcherState")]
public sealed record WebhookDispatcherState
{
    /// <summary>Enough to recognise a redelivered event: a subject has a handful of events in its life.</summary>
    private const int RecentEventsKept = 200;

    [Id(0)]
    public IReadOnlyList<EndpointQueue> Queues { get; init; } = [];

    [Id(1)]
    public IReadOnlyList<string> RecentEventIds { get; init; } = [];

    public bool HasSeen(string eventId) => RecentEventIds.Contains(eventId);

    public bool IsQueued(string deliveryId) => Queues.Any(q => q.DeliveryIds.Contains(deliveryId));

    public bool HasQueueFor(string endpointId) => Queues.Any(q => q.EndpointId == endpointId);

    public WebhookDispatcherState Seen(string eventId) => this with { RecentEventIds = [.. RecentEventIds.TakeLast(RecentEventsKept - 1), eventId] };

    public WebhookDispatcherState Enqueue(string endpointId, string deliveryId, DateTimeOffset now)
    {
        var queue = Queues.FirstOrDefault(q => q.EndpointId == endpointId);
        var grown = queue is null
            ? new EndpointQueue(endpointId, [deliveryId], now)
            : queue with { DeliveryIds = [.. queue.DeliveryIds, deliveryId] };
        return WithQueues([.. Queues.Where(q => q.EndpointId != endpointId), grown]);
    }

    /// <summary>Puts back queues after sending; emptied queues go away.</summary>
    public WebhookDispatcherState WithQueues(IEnumerable<EndpointQueue> queues)
    {
        var replaced = queues.ToDictionary(q => q.EndpointId);
        var merged = Queues.Where(q => !replaced.ContainsKey(q.EndpointId)).Concat(replaced.Values);
        return this with { Queues = [.. merged.Where(q => q.DeliveryIds.Count > 0).OrderBy(q => q.EndpointId, StringComparer.Ordinal)] };
    }

    /// <summary>When the dispatcher must run next: the earliest head still waiting, or never.</summary>
    public DateTimeOffset? NextRunAt() => Queues.Count == 0 ? null : Queues.Min(q => q.NextAttemptAt);
}
