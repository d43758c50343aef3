using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Moneta.GrainModel;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Metrics;
using Moneta.Runtime.Storage;

namespace Moneta.Runtime;

/// <summary>
/// The silo's grain runtime: hands out references, keeps at most one activation per grain, routes each call into
/// that activation's mailbox and collects idle activations. Several runtimes (silos) may share one storage; the
/// ETag-conditioned writes keep them consistent.
/// </summary>
public sealed class GrainRuntime : IGrainFactory, IGrainIndex, IAsyncDisposable
{
    private readonly ConcurrentDictionary<GrainId, Activation> _activations = new();
    private readonly GrainTypeRegistry _registry;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _collector;
    private int _activationCount;
    private int _evicting;
    private int _disposed;

    public GrainRuntime(
        GrainTypeRegistry registry,
        IGrainStorage storage,
        GrainRuntimeOptions options,
        IServiceProvider services,
        GrainMetrics metrics,
        TimeProvider timeProvider,
        OutboxSignal outboxSignal,
        ILogger<GrainRuntime> logger)
    {
        _registry = registry;
        OutboxSignal = outboxSignal;
        Storage = storage;
        Options = options;
        Services = services;
        Metrics = metrics;
        TimeProvider = timeProvider;
        _logger = logger;
        _collector = CollectIdleActivationsAsync(_stopping.Token);
    }

    internal IGrainStorage Storage { get; }

    internal GrainRuntimeOptions Options { get; }

    internal IServiceProvider Services { get; }

    internal GrainMetrics Metrics { get; }

    internal TimeProvider TimeProvider { get; }

    internal GrainStateSerializer Serializer { get; } = new();

    internal GrainTypeRegistry Registry => _registry;

    internal OutboxSignal OutboxSignal { get; }

    public int ActivationCount => Volatile.Read(ref _activationCount);

    public TGrainInterface GetGrain<TGrainInterface>(string key) where TGrainInterface : IGrainWithStringKey
    {
        var grainType = _registry.Get(typeof(TGrainInterface));
        return GrainReference.Create<TGrainInterface>(this, grainType, new GrainId(grainType.Name, key));
    }

    public Task<IndexPage> QueryAsync<TGrainInterface>(string indexName, string key, string? cursor, int limit, CancellationToken cancellationToken = default)
        where TGrainInterface : IGrainWithStringKey =>
        Unavailable.Translate(Storage, () => Storage.QueryAsync(_registry.Get(typeof(TGrainInterface)).Name, indexName, key, cursor, limit, cancellationToken));

    internal async Task<T> InvokeAsync<T>(GrainType grainType, GrainId id, string method, Func<Grain, Task<T>> call)
    {
        var started = TimeProvider.GetTimestamp();
        var failed = false;
        try
        {
            var retriedAfterConflict = false;
            while (true)
            {
                var item = new WorkItem<T>(call);
                while (!GetOrAddActivation(grainType, id).TryEnqueue(item))
                {
                    // Closed between lookup and enqueue: the next lookup finds or creates a fresh activation.
                }

                try
                {
                    return await item.Completion.WaitAsync(Options.CallTimeout, TimeProvider);
                }
                catch (ActivationClosedException)
                {
                }
                catch (InconsistentStateException) when (!retriedAfterConflict)
                {
                    // Another silo wrote this grain first. The activation has been dropped; one more try runs the
                    // call against the winner's state, where it either succeeds or fails on a business rule.
                    retriedAfterConflict = true;
                }
                catch (TimeoutException) when (!item.Completion.IsCompleted)
                {
                    item.Fail(new GrainCallTimeoutException(id.ToString(), method, Options.CallTimeout));
                    return await item.Completion; // finished in the meantime after all, or the timeout
                }
            }
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            Metrics.RecordCall(id.Type, method, TimeProvider.GetElapsedTime(started), failed);
        }
    }

    /// <summary>Hands a message from the outbox to its target grain, through the target's mailbox like any call.</summary>
    internal Task DeliverAsync(ClaimedMessage message)
    {
        var grainType = _registry.Get(message.Target.Type);
        return message.Kind switch
        {
            OutboxMessageKind.Event => DeliverEventAsync(grainType, message.Target, Serializer.Deserialize<GrainEvent>(message.Body)),
            OutboxMessageKind.Reminder => InvokeAsync(grainType, message.Target, nameof(IRemindable.ReceiveReminder), async grain =>
            {
                await AsHandler<IRemindable>(grain).ReceiveReminder(message.Name);
                return true;
            }),
            _ => throw new InvalidOperationException($"A {message.Kind} is not delivered."),
        };
    }

    /// <summary>The handler's turn continues the sender's trace; the call carries the activity into the mailbox.</summary>
    private async Task DeliverEventAsync(GrainType grainType, GrainId target, GrainEvent @event)
    {
        ActivityContext.TryParse(@event.TraceParent, null, out var parent);
        using var activity = GrainTracing.Source.StartActivity("grain event", ActivityKind.Consumer, parent);
        activity?.SetTag("moneta.grain", target.ToString());
        activity?.SetTag("moneta.event.type", @event.Type);
        activity?.SetTag("moneta.event.id", @event.Id);
        await InvokeAsync(grainType, target, nameof(IGrainEventHandler.HandleEvent), async grain =>
        {
            await AsHandler<IGrainEventHandler>(grain).HandleEvent(@event);
            return true;
        });
    }

    private static THandler AsHandler<THandler>(Grain grain) =>
        grain is THandler handler
            ? handler
            : throw new InvalidOperationException($"{grain.GetType().Name} received a message but does not implement {typeof(THandler).Name}.");

    internal void Remove(Activation activation, bool wasActive)
    {
        if (!_activations.TryRemove(KeyValuePair.Create(activation.Id, activation))) return;
        Interlocked.Decrement(ref _activationCount);
        if (wasActive) Metrics.Deactivated(activation.Id.Type);
    }

    /// <summary>Deactivates every idle activation now (used by tests and at shutdown).</summary>
    public async Task DeactivateIdleAsync(TimeSpan idleFor)
    {
        foreach (var activation in _activations.Values)
        {
            if (TimeProvider.GetElapsedTime(activation.LastUsedTimestamp) >= idleFor)
                await TryDeactivateAsync(activation);
        }
    }

    /// <summary>Idempotent: the container disposes the runtime once for each service it is registered as.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await _stopping.CancelAsync();
        await _collector;
        await DeactivateIdleAsync(TimeSpan.Zero);
        _stopping.Dispose();
    }

    private Activation GetOrAddActivation(GrainType grainType, GrainId id)
    {
        if (_activations.TryGetValue(id, out var existing)) return existing;

        var created = new Activation(id, grainType, this);
        var activation = _activations.GetOrAdd(id, created);
        if (ReferenceEquals(activation, created) && Interlocked.Increment(ref _activationCount) > Options.MaxActivations)
            _ = EvictLeastRecentlyUsedAsync();
        return activation;
    }

    private async Task<bool> TryDeactivateAsync(Activation activation)
    {
        if (!activation.TryClose()) return false;
        Remove(activation, wasActive: true);
        try
        {
            await activation.DeactivateAsync();
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Grain {GrainId} failed while deactivating", activation.Id);
        }

        return true;
    }

    private async Task CollectIdleActivationsAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Options.CollectionInterval, TimeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
                await DeactivateIdleAsync(Options.IdleTimeout);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Over the cap: deactivate the least recently used idle activations down to 90% of it.</summary>
    private async Task EvictLeastRecentlyUsedAsync()
    {
        if (Interlocked.Exchange(ref _evicting, 1) == 1) return;
        try
        {
            await Task.Yield();
            var target = Options.MaxActivations * 9 / 10;
            foreach (var activation in _activations.Values.OrderBy(a => a.LastUsedTimestamp).ToList())
            {
                if (ActivationCount <= target) break;
                await TryDeactivateAsync(activation);
            }
        }
        finally
        {
            Volatile.Write(ref _evicting, 0);
        }
    }
}
