using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Moneta.GrainModel;
using Moneta.Runtime.Storage;

namespace Moneta.Runtime.Messaging;

/// <summary>
/// Each silo's relay: claims due outbox messages (events and reminders) under a lease and hands each to its target
/// grain with an Orleans call, which reaches the target's one activation wherever in the cluster it lives. A
/// delivered message is deleted; a failed one is released to be tried again later with backoff, so nothing is
/// dropped. If this silo dies holding a lease, the others release its claims as soon as the cluster declares it dead
/// (<see cref="DeadSiloClaims"/>), or at the latest another silo takes the message once the lease runs out: delivery is
/// at least once, and handlers recognise a repeat by the event id. The relay runs while the silo is active: it
/// starts once the silo accepts grain calls and stops, letting deliveries under way finish, before the silo stops.
/// </summary>
public sealed partial class MessageRelay(
    IGrainFactory grains,
    IGrainStateStore store,
    GrainStateSerializer serializer,
    OutboxOptions options,
    OutboxSignal signal,
    TimeProvider clock,
    ILocalSiloDetails localSilo,
    ILogger<MessageRelay> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    public const string MeterName = "Moneta.Outbox";

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    private readonly Meter _meter = new(MeterName);
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;
    private int _inFlight;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(MessageRelay), ServiceLifecycleStage.Active, Start, Stop);

    public void Dispose()
    {
        _meter.Dispose();
        _stopping.Dispose();
    }

    private Task Start(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => RelayAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken);
    }

    private async Task RelayAsync(CancellationToken stopping)
    {
        var outcomes = _meter.CreateCounter<long>("moneta.outbox.messages", description: "Outbox messages handed to their target, by kind and outcome");
        _meter.CreateObservableGauge("moneta.outbox.in_flight", () => Volatile.Read(ref _inFlight), description: "Messages this relay is delivering now");
        using var slots = new SemaphoreSlim(options.MaxMessagesInFlight, options.MaxMessagesInFlight);
        var inFlight = new HashSet<Task>();
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await slots.WaitAsync(stopping);
                var free = slots.CurrentCount + 1; // the slot just taken, and any others free now
                var claimed = await ClaimAsync(free, stopping);
                slots.Release();

                foreach (var message in claimed)
                {
                    await slots.WaitAsync(stopping);
                    var delivery = DeliverAsync(message, slots, outcomes);
                    lock (inFlight) inFlight.Add(delivery);
                    _ = delivery.ContinueWith(done => { lock (inFlight) inFlight.Remove(done); }, TaskScheduler.Default);
                }

                if (claimed.Count < free)
                    await signal.WaitAsync(options.MessagePollInterval, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }

        // Let deliveries under way finish (their leases would otherwise make the messages wait for another silo).
        Task[] remaining;
        lock (inFlight) remaining = [.. inFlight];
        await Task.WhenAll(remaining);
    }

    private async Task<IReadOnlyList<ClaimedMessage>> ClaimAsync(int limit, CancellationToken stopping)
    {
        try
        {
            // Claimed in this silo's name: if the cluster declares it dead, the others release its claims at once (DeadSiloClaims).
            return await store.ClaimDueMessagesAsync(clock.GetUtcNow(), options.MessageLease, limit, localSilo.SiloAddress.ToParsableString(), stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogClaimFailed(logger, e);
            return [];
        }
    }

    private async Task DeliverAsync(ClaimedMessage message, SemaphoreSlim slots, Counter<long> outcomes)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await HandOverAsync(message);
            await store.CompleteMessageAsync(message);
            // The target's next event (held back while this one was in flight) is due now: look again at once rather
            // than at the next poll, or a grain many others write to would take one event per poll interval.
            if (message.Kind == OutboxMessageKind.Event) signal.Notify();
            outcomes.Add(1, new TagList { { "kind", message.Kind.ToString() }, { "target_type", message.Target.Type }, { "outcome", "delivered" } });
        }
        catch (Exception e)
        {
            outcomes.Add(1, new TagList { { "kind", message.Kind.ToString() }, { "target_type", message.Target.Type }, { "outcome", "retried" } });
            var delay = RetryDelay(message.Attempts, e);
            LogDeliveryFailed(logger, e, message.Kind, message.Name, message.Target, message.Attempts + 1, delay);
            await ReleaseForRetryAsync(message, delay);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            slots.Release();
        }
    }

    private Task HandOverAsync(ClaimedMessage message)
    {
        var target = message.Target.ToGrainId();
        return message.Kind switch
        {
            OutboxMessageKind.Event => DeliverEventAsync(target, serializer.Deserialize<GrainEvent>(message.Body!)),
            OutboxMessageKind.Reminder => grains.GetGrain<IReminderHandler>(target).ReceiveReminder(message.Name),
            _ => throw new InvalidOperationException($"A {message.Kind} is not delivered."),
        };
    }

    /// <summary>The handler's turn continues the sender's trace: the grain call carries this activity's context.</summary>
    private async Task DeliverEventAsync(GrainId target, GrainEvent @event)
    {
        ActivityContext.TryParse(@event.TraceParent, null, out var parent);
        using var activity = GrainTracing.Source.StartActivity("grain event", ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("moneta.grain", target.ToString());
            activity.SetTag("moneta.event.type", @event.Type);
            activity.SetTag("moneta.event.id", @event.Id);
        }

        TraceContext.CarryCurrent();
        await grains.GetGrain<IGrainEventHandler>(target).HandleEvent(@event);
    }

    private async Task ReleaseForRetryAsync(ClaimedMessage message, TimeSpan delay)
    {
        try
        {
            await store.RetryMessageAsync(message, clock.GetUtcNow() + delay);
        }
        catch (Exception e)
        {
            // The lease still runs out, and the message is claimed again then.
            LogReleaseFailed(logger, e, message.Name, message.Target);
        }
    }

    /// <summary>
    /// 1 s, 2 s, 4 s, ... up to 5 minutes, with jitter so that failures do not retry in lockstep. A target whose silo
    /// has just died is the exception: the cluster moves its grains within seconds, so it is tried again every second
    /// rather than after a backoff that would hold its later events back for minutes.
    /// </summary>
    private static TimeSpan RetryDelay(int attempts, Exception error)
    {
        var jitter = 0.8 + (0.4 * Random.Shared.NextDouble());
        if (error is SiloUnavailableException or OrleansMessageRejectionException) return TimeSpan.FromSeconds(1) * jitter;
        var exponential = TimeSpan.FromSeconds(Math.Pow(2, Math.Min(attempts, 16)));
        return (exponential < MaxRetryDelay ? exponential : MaxRetryDelay) * jitter;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Claiming outbox messages failed; trying again after the poll interval")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering {Kind} {Name} to {Target} failed (attempt {Attempt}); trying again in {Delay}")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, OutboxMessageKind kind, string name, GrainKey target, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Releasing {Name} for {Target} failed; it is retried when its lease ends")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string name, GrainKey target);
}
