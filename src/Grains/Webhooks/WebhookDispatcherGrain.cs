using Moneta.Errors;
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
[GrainType("webhookdispatcher")]
[CollectionAgeLimit(Minutes = GrainLifetimes.TransientMinutes)]
public sealed class WebhookDispatcherGrain([OutboxState] IOutboxState<WebhookDispatcherState> state, TimeProvider clock) : Grain, IWebhookDispatcherGrain
{
    private const string SendReminder = "send";

    private WebhookDispatcherState Dispatch => state.State;

    private string OrganizationId => DispatcherKey[..DispatcherKey.IndexOf('/', StringComparison.Ordinal)];

    private IWebhookEndpointsGrain Endpoints => GrainFactory.GetGrain<IWebhookEndpointsGrain>(OrganizationId);

    private string DispatcherKey => this.GetPrimaryKeyString();

    public async Task HandleEvent(GrainEvent @event)
    {
        if (Dispatch.HasSeen(@event.Id))
        {
            await SendDueAsync();
            return;
        }

        var targets = await Endpoints.Targets();
        var listening = targets.Where(t => t.Receives(@event)).ToList();
        if (listening.Count == 0 && !state.RecordExists) return; // nobody listens: nothing to send, nothing to store

        var createdByAttempt = await TakeInAsync(@event, listening);
        await SendDueAsync(targets, createdByAttempt);
    }

    public async Task ReceiveReminder(string name)
    {
        await SendDueAsync();
    }

    public async Task Redrive(string deliveryId)
    {
        var delivery = await Delivery(deliveryId).Reopen();
        if (!Dispatch.IsQueued(deliveryId))
            state.State = Dispatch.Enqueue(delivery.EndpointId, deliveryId, clock.GetUtcNow());
        await SendDueAsync();
    }

    public async Task RetryNow(string deliveryId)
    {
        var queue = Dispatch.Queues.FirstOrDefault(q => q.DeliveryIds.Contains(deliveryId))
            ?? throw DomainException.Conflict(ErrorCodes.DeliveryNotPending, $"Delivery '{deliveryId}' is not waiting to be sent; only pending deliveries are retried now (dead ones are redriven).");
        state.State = Dispatch.WithQueues([queue with { NextAttemptAt = clock.GetUtcNow() }]);
        await SendDueAsync();
    }

    /// <summary>
    /// Queues a delivery for every endpoint that wants the event, behind the subject's earlier events. One queued
    /// behind others is put on record now, so it is listed while it waits; one at the head of its queue goes out in
    /// this turn and is put on record by that attempt (one write instead of two). Until this turn's write, nothing
    /// depends on it: if the turn fails, the event comes again and is taken in again.
    /// </summary>
    private async Task<Dictionary<string, NewDelivery>> TakeInAsync(GrainEvent @event, IReadOnlyList<WebhookTarget> targets)
    {
        var delivery = new NewDelivery(OrganizationId, DispatcherKey, @event);
        var createdByAttempt = new Dictionary<string, NewDelivery>();
        var next = Dispatch.Seen(@event.Id);
        foreach (var target in targets)
        {
            var deliveryId = WebhookSubjects.DeliveryId(target.EndpointId, @event.Id);
            if (next.HasQueueFor(target.EndpointId))
                await Delivery(deliveryId).Create(delivery);
            else
                createdByAttempt[deliveryId] = delivery;
            next = next.Enqueue(target.EndpointId, deliveryId, clock.GetUtcNow());
        }

        state.State = next;
        return createdByAttempt;
    }

    /// <param name="targets">The endpoints, if this turn has read them already.</param>
    /// <param name="createdByAttempt">Deliveries this turn queued without putting them on record yet.</param>
    private async Task SendDueAsync(IReadOnlyList<WebhookTarget>? targets = null, Dictionary<string, NewDelivery>? createdByAttempt = null)
    {
        var due = Dispatch.Queues.Where(q => q.IsDue(clock.GetUtcNow())).ToList();
        if (due.Count > 0)
        {
            var byEndpoint = (targets ?? await Endpoints.Targets()).ToDictionary(t => t.EndpointId);
            var sent = await Task.WhenAll(due.Select(q => SendHeadAsync(q, byEndpoint.GetValueOrDefault(q.EndpointId), createdByAttempt?.GetValueOrDefault(q.DeliveryIds[0]))));
            state.State = Dispatch.WithQueues(sent);
        }

        if (Dispatch.NextRunAt() is { } at)
            state.Outbox.RemindAt(SendReminder, at);
        else
            state.Outbox.CancelReminder(SendReminder);
        await state.WriteStateAsync();
    }

    private async Task<EndpointQueue> SendHeadAsync(EndpointQueue queue, WebhookTarget? target, NewDelivery? headIfNew)
    {
        if (target is null || !target.Enabled)
            return await GiveUpAsync(queue, target is null ? "the endpoint was deleted" : "the endpoint is disabled");

        var result = await Delivery(queue.DeliveryIds[0]).Attempt(target, headIfNew);
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
