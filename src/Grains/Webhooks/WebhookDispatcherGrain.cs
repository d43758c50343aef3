using Moneta.GrainModel;
using Moneta.Webhooks;

namespace Moneta.Grains.Webhooks;

/// <summary>
/// Sends one organization's events about one subject (a contract, an mPass, the organization) to that
/// organization's endpoints. The outbox hands it the subject's events in the order they were committed; it keeps
/// one queue per endpoint, so each endpoint sees them in that order, a failing endpoint waits alone, and other
/// subjects (other dispatchers) go on in parallel. A turn makes at most one attempt per endpoint and leaves the
/// rest to a reminder, so no turn outlasts the grain call timeout and a retry waits durably.
/// </summary>
public sealed class WebhookDispatcherGrain(IPersistentState<WebhookDispatcherState> state, TimeProvider clock) : Grain, IWebhookDispatcherGrain
{
    private const string SendReminder = "send";

    private WebhookDispatcherState Dispatch => state.State;

    private string OrganizationId => GrainKey[..GrainKey.IndexOf('/', StringComparison.Ordinal)];

    private IWebhookEndpointsGrain Endpoints => GrainFactory.GetGrain<IWebhookEndpointsGrain>(OrganizationId);

    public async Task HandleEvent(GrainEvent @event)
    {
        await state.ReadStateAsync();
        if (Dispatch.HasSeen(@event.Id))
        {
            await SendDueAsync();
            return;
        }

        var targets = (await Endpoints.Targets()).Where(t => t.Wants(@event.Type)).ToList();
        if (targets.Count == 0 && !state.RecordExists) return; // nobody listens: nothing to send, nothing to store

        state.State = await TakeInAsync(@event, targets);
        await SendDueAsync();
    }

    public async Task ReceiveReminder(string name)
    {
        await state.ReadStateAsync();
        await SendDueAsync();
    }

    public async Task Redrive(string deliveryId)
    {
        await state.ReadStateAsync();
        var delivery = await Delivery(deliveryId).Reopen();
        if (!Dispatch.IsQueued(deliveryId))
            state.State = Dispatch.Enqueue(delivery.EndpointId, deliveryId, clock.GetUtcNow());
        await SendDueAsync();
    }

    /// <summary>A delivery for every endpoint that wants the event, queued behind the subject's earlier events.</summary>
    private async Task<WebhookDispatcherState> TakeInAsync(GrainEvent @event, IReadOnlyList<WebhookTarget> targets)
    {
        var next = Dispatch.Seen(@event.Id);
        foreach (var target in targets)
        {
            var deliveryId = WebhookSubjects.DeliveryId(target.EndpointId, @event.Id);
            await Delivery(deliveryId).Create(OrganizationId, GrainKey, @event);
            next = next.Enqueue(target.EndpointId, deliveryId, clock.GetUtcNow());
        }

        return next;
    }

    private async Task SendDueAsync()
    {
        var due = Dispatch.Queues.Where(q => q.IsDue(clock.GetUtcNow())).ToList();
        if (due.Count > 0)
        {
            var targets = (await Endpoints.Targets()).ToDictionary(t => t.EndpointId);
            var sent = await Task.WhenAll(due.Select(q => SendHeadAsync(q, targets.GetValueOrDefault(q.EndpointId))));
            state.State = Dispatch.WithQueues(sent);
        }

        if (Dispatch.NextRunAt() is { } at)
            Outbox.RemindAt(SendReminder, at);
        else
            Outbox.CancelReminder(SendReminder);
        await state.WriteStateAsync();
    }

    private async Task<EndpointQueue> SendHeadAsync(EndpointQueue queue, WebhookTarget? target)
    {
        if (target is null || !target.Enabled)
            return await GiveUpAsync(queue, target is null ? "the endpoint was deleted" : "the endpoint is disabled");

        var result = await Delivery(queue.DeliveryIds[0]).Attempt(target);
        switch (result.Outcome)
        {
            case DeliveryOutcome.RetryLater:
                return queue with { NextAttemptAt = result.NextAttemptAt!.Value };
            case DeliveryOutcome.Gone:
                await Endpoints.Disable(target.EndpointId, "the endpoint answered 410 Gone");
                return await GiveUpAsync(queue.WithoutHead(clock.GetUtcNow()), "the endpoint answered 410 Gone and was disabled");
            default:
                return queue.WithoutHead(clock.GetUtcNow());
        }
    }

    private async Task<EndpointQueue> GiveUpAsync(EndpointQueue queue, string reason)
    {
        foreach (var deliveryId in queue.DeliveryIds)
            await Delivery(deliveryId).GiveUp(reason);
        return queue with { DeliveryIds = [] };
    }

    private IWebhookDeliveryGrain Delivery(string deliveryId) => GrainFactory.GetGrain<IWebhookDeliveryGrain>(deliveryId);
}
