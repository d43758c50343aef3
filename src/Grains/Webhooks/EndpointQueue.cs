namespace Moneta.Grains.Webhooks;

/// <summary>The deliveries waiting for one endpoint, in event order; only the head is ever being sent.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.EndpointQueue")]
public sealed record EndpointQueue(string EndpointId, IReadOnlyList<string> DeliveryIds, DateTimeOffset NextAttemptAt)
{
    public bool IsDue(DateTimeOffset now) => DeliveryIds.Count > 0 && NextAttemptAt <= now;

    /// <summary>The head is done (delivered or dead): the next one may go at once.</summary>
    public EndpointQueue WithoutHead(DateTimeOffset now) => this with { DeliveryIds = [.. DeliveryIds.Skip(1)], NextAttemptAt = now };
}
