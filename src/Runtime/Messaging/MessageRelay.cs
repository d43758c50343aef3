using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moneta.Runtime.Storage;

namespace Moneta.Runtime.Messaging;

/// <summary>
/// Each silo's relay: claims due outbox messages (events and reminders) under a lease and hands each to its target
/// grain. A delivered message is deleted; a failed one is released to be tried again later with backoff, so nothing
/// is dropped. If this silo dies holding a lease, another silo takes the message once the lease runs out: delivery
/// is at least once, and handlers recognise a repeat by the event id.
/// </summary>
public sealed class MessageRelay(
    GrainRuntime runtime,
    IGrainStorage storage,
    GrainRuntimeOptions options,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<MessageRelay> logger) : BackgroundService
{
    public const string MeterName = "Moneta.Outbox";

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    private readonly Meter _meter = new(MeterName);
    private int _inFlight;

    public override void Dispose()
    {
        _meter.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
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
            return await storage.ClaimDueMessagesAsync(clock.GetUtcNow(), options.MessageLease, limit, stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Claiming outbox messages failed; trying again after the poll interval");
            return [];
        }
    }

    private async Task DeliverAsync(ClaimedMessage message, SemaphoreSlim slots, Counter<long> outcomes)
    {
        Interlocked.Increment(ref _inFlight);
        try
        {
            await runtime.DeliverAsync(message);
            await storage.CompleteMessageAsync(message);
            outcomes.Add(1, new TagList { { "kind", message.Kind.ToString() }, { "target_type", message.Target.Type }, { "outcome", "delivered" } });
        }
        catch (Exception e)
        {
            outcomes.Add(1, new TagList { { "kind", message.Kind.ToString() }, { "target_type", message.Target.Type }, { "outcome", "retried" } });
            var delay = RetryDelay(message.Attempts);
            logger.LogWarning(e, "Delivering {Kind} {Name} to {Target} failed (attempt {Attempt}); trying again in {Delay}",
                message.Kind, message.Name, message.Target, message.Attempts + 1, delay);
            await ReleaseForRetryAsync(message, delay);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            slots.Release();
        }
    }

    private async Task ReleaseForRetryAsync(ClaimedMessage message, TimeSpan delay)
    {
        try
        {
            await storage.RetryMessageAsync(message, clock.GetUtcNow() + delay);
        }
        catch (Exception e)
        {
            // The lease still runs out, and the message is claimed again then.
            logger.LogError(e, "Releasing {Name} for {Target} failed; it is retried when its lease ends", message.Name, message.Target);
        }
    }

    /// <summary>1 s, 2 s, 4 s, ... up to 5 minutes, with jitter so that failures do not retry in lockstep.</summary>
    private static TimeSpan RetryDelay(int attempts)
    {
        var exponential = TimeSpan.FromSeconds(Math.Pow(2, Math.Min(attempts, 16)));
        var capped = exponential < MaxRetryDelay ? exponential : MaxRetryDelay;
        return capped * (0.8 + (0.4 * Random.Shared.NextDouble()));
    }
}
