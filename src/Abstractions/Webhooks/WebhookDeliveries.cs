using System.Text.Json;
using Moneta.GrainModel;

namespace Moneta.Webhooks;

/// <summary>One attempt to deliver: when, how it ended, how long it took.</summary>
public sealed record WebhookAttempt(DateTimeOffset AttemptedAt, int? StatusCode, long LatencyMs, string? Error);

/// <summary>One event on its way to one endpoint, with every attempt so far.</summary>
public sealed record WebhookDeliveryView(
    string Id,
    string EndpointId,
    string OrganizationId,
    string EventId,
    string EventType,
    DateTimeOffset EventTimestamp,
    JsonElement Data,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    IReadOnlyList<WebhookAttempt> Attempts);

/// <summary>How an attempt ended, as the dispatcher needs to know it.</summary>
public enum DeliveryOutcome
{
    Delivered,
    RetryLater,
    Dead,

    /// <summary>The endpoint answered 410 Gone: it wants no more webhooks.</summary>
    Gone,
}

public sealed record DeliveryResult(DeliveryOutcome Outcome, DateTimeOffset? NextAttemptAt);

/// <summary>What a delivery is made of: the event, for which organization, ordered by which dispatcher.</summary>
public sealed record NewDelivery(string OrganizationId, string DispatcherKey, GrainEvent Event);

/// <summary>One event for one endpoint (the key is the delivery id, endpoint id and event id).</summary>
public interface IWebhookDeliveryGrain : IGrainWithStringKey
{
    /// <summary>Records the delivery; the same event for the same endpoint again changes nothing.</summary>
    Task<WebhookDeliveryView> Create(NewDelivery delivery);

    /// <summary>
    /// Sends the event once, signed with the target's secrets, and records the attempt. A delivery not yet on record
    /// is created from <paramref name="ifNew"/> in the same write (a delivery that goes out at once costs one write).
    /// </summary>
    Task<DeliveryResult> Attempt(WebhookTarget target, NewDelivery? ifNew);

    /// <summary>Ends the delivery without sending it: its endpoint is gone or disabled.</summary>
    Task<WebhookDeliveryView> GiveUp(string reason);

    /// <summary>A dead delivery starts again with a fresh retry schedule; its earlier attempts stay on record.</summary>
    Task<WebhookDeliveryView> Reopen();

    Task<WebhookDeliveryView?> Find();

    /// <summary>The dispatcher that orders this delivery among its subject's events.</summary>
    Task<string?> DispatcherKey();
}

/// <summary>
/// Sends one organization's events about one subject to the organization's endpoints, in the order the events were
/// committed, each endpoint at its own pace (the key is <see cref="WebhookSubjects.DispatcherKey"/>).
/// </summary>
public interface IWebhookDispatcherGrain : IGrainEventHandler, IRemindable
{
    /// <summary>Sends a reopened (redriven) delivery again, after whatever this dispatcher is already sending.</summary>
    Task Redrive(string deliveryId);

    /// <summary>
    /// A pending delivery waiting for its next attempt is attempted now, instead of at its scheduled time. Its
    /// endpoint's queue keeps its order: the queue's head goes first (usually the delivery itself).
    /// </summary>
    Task RetryNow(string deliveryId);
}
