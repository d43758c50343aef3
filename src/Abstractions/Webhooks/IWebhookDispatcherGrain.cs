using Moneta.GrainModel;

namespace Moneta.Webhooks;

/// <summary>
/// Sends one organization's events about one subject to the organization's endpoints, in the order the events were
/// committed, each endpoint at its own pace (the key is <see cref="WebhookSubjects.DispatcherKey"/>).
/// </summary>
[Alias("Moneta.IWebhookDispatcherGrain")]
public interface IWebhookDispatcherGrain : IGrainEventHandler, IReminderHandler
{
    /// <summary>Sends a reopened (redriven) delivery again, after whatever this dispatcher is already sending.</summary>
    Task Redrive(string deliveryId);

    /// <summary>
    /// A pending delivery waiting for its next attempt is attempted now, instead of at its scheduled time. Its
    /// endpoint's queue keeps its order: the queue's head goes first (usually the delivery itself).
    /// </summary>
    Task RetryNow(string deliveryId);
}
