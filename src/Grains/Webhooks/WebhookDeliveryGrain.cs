using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Webhooks;

namespace Moneta.Grains.Webhooks;

/// <summary>
/// One event for one endpoint. Its dispatcher decides when it is its turn; this grain sends it, keeps every
/// attempt, and decides from the retry schedule whether to try again or give up.
/// </summary>
[GrainType("webhookdelivery")]
[CollectionAgeLimit(Minutes = GrainLifetimes.TransientMinutes)]
public sealed class WebhookDeliveryGrain(
    [OutboxState] IOutboxState<WebhookDeliveryState> state,
    WebhookSender sender,
    WebhookOptions options,
    WebhookMetrics metrics,
    TimeProvider clock) : Grain, IWebhookDeliveryGrain
{
    private WebhookDeliveryState Delivery => state.State;

    private string DeliveryId => this.GetPrimaryKeyString();

    public async Task<WebhookDeliveryView> Create(NewDelivery delivery)
    {
        if (state.RecordExists) return Delivery.ToView(DeliveryId);

        await CommitAsync(Recorded(delivery));
        return Delivery.ToView(DeliveryId);
    }

    public async Task<DeliveryResult> Attempt(WebhookTarget target, NewDelivery? ifNew)
    {
        if (!state.RecordExists)
            state.State = ifNew is null ? throw NotFound() : Recorded(ifNew);
        if (Delivery.Status != WebhookDeliveryStatuses.Pending)
            return new DeliveryResult(Delivery.Status == WebhookDeliveryStatuses.Delivered ? DeliveryOutcome.Delivered : DeliveryOutcome.Dead, null);

        var now = clock.GetUtcNow();
        var sent = await sender.SendAsync(target, Delivery.Event.Id, Delivery.Body(), Delivery.Event.TraceParent);
        var attempted = Delivery.WithAttempt(new WebhookAttempt(now, sent.StatusCode, (long)sent.Elapsed.TotalMilliseconds, sent.Error));

        var (next, result) = sent switch
        {
            { IsSuccess: true } => (attempted with { Status = WebhookDeliveryStatuses.Delivered, DeliveredAt = clock.GetUtcNow(), NextAttemptAt = null }, new DeliveryResult(DeliveryOutcome.Delivered, null)),
            { StatusCode: 410 } => (attempted with { Status = WebhookDeliveryStatuses.Dead, NextAttemptAt = null }, new DeliveryResult(DeliveryOutcome.Gone, null)),
            _ when attempted.AttemptsInRound >= options.RetrySchedule.Count => (attempted with { Status = WebhookDeliveryStatuses.Dead, NextAttemptAt = null }, new DeliveryResult(DeliveryOutcome.Dead, null)),
            _ => RetryLater(attempted),
        };
        await CommitAsync(next);
        metrics.Attempted(Delivery.Event.Type, result.Outcome.ToString(), sent.StatusCode, sent.Elapsed);
        return result;
    }

    public async Task<WebhookDeliveryView> GiveUp(string reason)
    {
        EnsureExists();
        if (Delivery.Status != WebhookDeliveryStatuses.Pending) return Delivery.ToView(DeliveryId);
        var attempt = new WebhookAttempt(clock.GetUtcNow(), null, 0, reason);
        await CommitAsync(Delivery.WithAttempt(attempt) with { Status = WebhookDeliveryStatuses.Dead, NextAttemptAt = null });
        return Delivery.ToView(DeliveryId);
    }

    public async Task<WebhookDeliveryView> Reopen()
    {
        EnsureExists();
        if (Delivery.Status == WebhookDeliveryStatuses.Pending) return Delivery.ToView(DeliveryId);
        if (Delivery.Status != WebhookDeliveryStatuses.Dead)
            throw DomainException.Conflict(ErrorCodes.DeliveryNotDead, $"Delivery '{DeliveryId}' is {Delivery.Status}; only dead deliveries are redriven.");

        await CommitAsync(Delivery with { Status = WebhookDeliveryStatuses.Pending, AttemptsInRound = 0, NextAttemptAt = clock.GetUtcNow() });
        return Delivery.ToView(DeliveryId);
    }

    public Task<WebhookDeliveryView?> Find() =>
        Task.FromResult<WebhookDeliveryView?>(state.RecordExists ? Delivery.ToView(DeliveryId) : null);

    public Task<string?> DispatcherKey() =>
        Task.FromResult<string?>(state.RecordExists ? Delivery.DispatcherKey : null);

    private WebhookDeliveryState Recorded(NewDelivery delivery)
    {
        var now = clock.GetUtcNow();
        return new WebhookDeliveryState
        {
            EndpointId = DeliveryId[..DeliveryId.IndexOf(':', StringComparison.Ordinal)],
            OrganizationId = delivery.OrganizationId,
            DispatcherKey = delivery.DispatcherKey,
            Event = delivery.Event,
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    /// <summary>The next delay from the schedule, with ±10% jitter so that endpoints coming back are not hit in lockstep.</summary>
    private (WebhookDeliveryState, DeliveryResult) RetryLater(WebhookDeliveryState attempted)
    {
        var delay = options.RetrySchedule[attempted.AttemptsInRound] * (0.9 + (0.2 * Random.Shared.NextDouble()));
        var at = clock.GetUtcNow() + delay;
        return (attempted with { NextAttemptAt = at }, new DeliveryResult(DeliveryOutcome.RetryLater, at));
    }

    private void EnsureExists()
    {
        if (!state.RecordExists) throw NotFound();
    }

    private DomainException NotFound() =>
        DomainException.NotFound(ErrorCodes.WebhookDeliveryNotFound, $"No webhook delivery has id '{DeliveryId}'.");

    private async Task CommitAsync(WebhookDeliveryState next)
    {
        state.State = next;
        await state.WriteStateAsync();
    }
}
