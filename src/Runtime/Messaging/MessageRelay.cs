using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Moneta.GrainModel;
using Moneta.Runtime.Storage;
using Orleans.Metadata;

namespace Moneta.Runtime.Messaging;

/// <summary>
/// Each silo's relay: claims due outbox messages (events and reminders) under a lease and hands each to its target
/// grain with an Orleans call, which reaches the target's one activation wherever in the cluster it lives. A
/// delivered message is deleted; a failed one is released to be tried again later with backoff, so nothing is
/// dropped. If this silo dies holding a lease, the others release its claims as soon as the cluster declares it dead
/// (<see cref="DeadSiloClaims"/>), or at the latest another silo takes the message once the lease runs out: delivery is
/// at least once, and handlers recognise a repeat by the event id. A grain that takes its events in runs
/// (<see cref="IGrainEventGroupHandler"/>) is handed its queued events up to <see cref="OutboxOptions.MaxEventsPerRun"/>
/// at a time, in one call, completed or retried together. The relay runs while the silo is active: it
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
    GrainClassMap grainClasses,
    ILogger<MessageRelay> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    public const string MeterName = "Moneta.Outbox";

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    private readonly Meter _meter = new(MeterName);
    private readonly ConcurrentDictionary<string, int> _maxRuns = new(StringComparer.Ordinal);
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
                var claimed = Runs(await ClaimAsync(free, stopping));
                slots.Release();

                foreach (var run in claimed)
                {
                    await slots.WaitAsync(stopping);
                    var delivery = DeliverAsync(run, slots, outcomes);
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
            return await store.ClaimDueMessagesAsync(clock.GetUtcNow(), options.MessageLease, limit, localSilo.SiloAddress.ToParsableString(), MaxRun, stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogClaimFailed(logger, e);
            return [];
        }
    }

    /// <summary>How many of a target's events go in one call: a run for a grain that takes them so, else one.</summary>
    private int MaxRun(string grainType) => _maxRuns.GetOrAdd(grainType, type =>
        grainClasses.TryGetGrainClass(GrainType.Create(type), out var grainClass) && typeof(IGrainEventGroupHandler).IsAssignableFrom(grainClass)
            ? options.MaxEventsPerRun
            : 1);

    /// <summary>The claimed messages as deliveries: a run's events (the store returns them one after the other) together, anything else alone.</summary>
    private static List<IReadOnlyList<ClaimedMessage>> Runs(IReadOnlyList<ClaimedMessage> claimed)
    {
        var runs = new List<IReadOnlyList<ClaimedMessage>>(claimed.Count);
        List<ClaimedMessage>? current = null;
        foreach (var message in claimed)
        {
            if (current is not null && message.Kind == OutboxMessageKind.Event && current[0].Kind == OutboxMessageKind.Event && current[0].Target == message.Target)
            {
                current.Add(message);
                continue;
            }

            current = [message];
            runs.Add(current);
        }

        return runs;
    }

    private async Task DeliverAsync(IReadOnlyList<ClaimedMessage> run, SemaphoreSlim slots, Counter<long> outcomes)
    {
        var first = run[0];
        Interlocked.Increment(ref _inFlight);
        try
        {
            await HandOverAsync(run);
            await store.CompleteMessagesAsync(run);
            // The target's next event (held back while this one was in flight) is due now: look again at once rather
            // than at the next poll, or a grain many others write to would take one event per poll interval.
            if (first.Kind == OutboxMessageKind.Event) signal.Notify();
            outcomes.Add(run.Count, new TagList { { "kind", first.Kind.ToString() }, { "target_type", first.Target.Type }, { "outcome", "delivered" } });
        }
        catch (Exception e)
        {
            outcomes.Add(run.Count, new TagList { { "kind", first.Kind.ToString() }, { "target_type", first.Target.Type }, { "outcome", "retried" } });
            var delay = RetryDelay(first.Attempts, e);
            LogDeliveryFailed(logger, e, first.Kind, first.Name, run.Count, first.Target, first.Attempts + 1, delay);
            // One due time for the whole run, so that it is claimed again as one.
            var dueAgain = clock.GetUtcNow() + delay;
            await Task.WhenAll(run.Select(message => ReleaseForRetryAsync(message, dueAgain)));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            slots.Release();
        }
    }

    private Task HandOverAsync(IReadOnlyList<ClaimedMessage> run)
    {
        var first = run[0];
        var target = first.Target.ToGrainId();
        return first.Kind switch
        {
            OutboxMessageKind.Event when run.Count > 1 => DeliverRunAsync(target, [.. run.Select(m => serializer.Deserialize<GrainEvent>(m.Body!))]),
            OutboxMessageKind.Event => DeliverEventAsync(target, serializer.Deserialize<GrainEvent>(first.Body!)),
            OutboxMessageKind.Reminder => grains.GetGrain<IReminderHandler>(target).ReceiveReminder(first.Name),
            _ => throw new InvalidOperationException($"A {first.Kind} is not delivered."),
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

    /// <summary>A run has many senders: its handling is a trace of its own, linked to each sender's.</summary>
    private async Task DeliverRunAsync(GrainId target, IReadOnlyList<GrainEvent> events)
    {
        var links = new List<ActivityLink>(events.Count);
        foreach (var @event in events)
        {
            if (ActivityContext.TryParse(@event.TraceParent, null, out var sender))
                links.Add(new ActivityLink(sender));
        }

        using var activity = GrainTracing.Source.StartActivity(ActivityKind.Consumer, parentContext: default, links: links, name: "grain events");
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("moneta.grain", target.ToString());
            activity.SetTag("moneta.event.count", events.Count);
        }

        TraceContext.CarryCurrent();
        await grains.GetGrain<IGrainEventGroupHandler>(target).HandleEvents(events);
    }

    private async Task ReleaseForRetryAsync(ClaimedMessage message, DateTimeOffset dueAgain)
    {
        try
        {
            await store.RetryMessageAsync(message, dueAgain);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering {Kind} {Name} ({Count} in its run) to {Target} failed (attempt {Attempt}); trying again in {Delay}")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, OutboxMessageKind kind, string name, int count, GrainKey target, int attempt, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Error, Message = "Releasing {Name} for {Target} failed; it is retried when its lease ends")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, string name, GrainKey target);
}
