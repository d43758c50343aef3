using Microsoft.Extensions.DependencyInjection;
using Moneta.GrainModel;
using Moneta.Runtime;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Storage;

namespace Moneta.Tests.Runtime;

public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Read, yield, write: interleaved calls would lose increments.</summary>
    Task<int> Increment();

    Task<int> Value();

    Task<int> ActivationNumber();
}

public sealed record CounterState
{
    public int Value { get; init; }
}

public sealed class CounterGrain(IPersistentState<CounterState> state, ActivationLog log) : Grain, ICounterGrain
{
    private int _activation;
    private int _inside;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activation = log.Activated(GrainKey);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        log.Deactivated(GrainKey);
        return Task.CompletedTask;
    }

    public async Task<int> Increment()
    {
        if (Interlocked.Increment(ref _inside) != 1) throw new InvalidOperationException("Two calls ran inside one activation at once.");
        var read = state.State.Value;
        await Task.Yield();
        await Task.Delay(Random.Shared.Next(0, 2));
        state.State = new CounterState { Value = read + 1 };
        await state.WriteStateAsync();
        Interlocked.Decrement(ref _inside);
        return state.State.Value;
    }

    public Task<int> Value() => Task.FromResult(state.State.Value);

    public Task<int> ActivationNumber() => Task.FromResult(_activation);
}

public interface IPingGrain : IGrainWithStringKey
{
    /// <summary>Calls the named grain, which calls back: a cycle.</summary>
    Task<string> PingThrough(string other);

    Task<string> PingBack(string caller);
}

public sealed class PingGrain : Grain, IPingGrain
{
    public Task<string> PingThrough(string other) => GrainFactory.GetGrain<IPingGrain>(other).PingBack(GrainKey);

    public Task<string> PingBack(string caller) => GrainFactory.GetGrain<IPingGrain>(caller).PingThrough(GrainKey);
}

/// <summary>Counts activations per key across the test, so reactivation is observable.</summary>
public sealed class ActivationLog
{
    private readonly Dictionary<string, int> _activations = [];
    private readonly Dictionary<string, int> _deactivations = [];

    public int Activated(string key)
    {
        lock (_activations) return _activations[key] = _activations.GetValueOrDefault(key) + 1;
    }

    public void Deactivated(string key)
    {
        lock (_activations) _deactivations[key] = _deactivations.GetValueOrDefault(key) + 1;
    }

    public int DeactivationsOf(string key)
    {
        lock (_activations) return _deactivations.GetValueOrDefault(key);
    }
}

public static class TestRuntime
{
    public static (GrainRuntime Runtime, ServiceProvider Services) Create(IGrainStorage storage, Action<GrainRuntimeOptions>? configure = null, ActivationLog? log = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(log ?? new ActivationLog())
            .AddSingleton(storage)
            .AddGrainRuntime(configure, grains =>
            {
                grains.Register<ICounterGrain, CounterGrain>();
                grains.Register<IPingGrain, PingGrain>();
                grains.Register<IJournalGrain, JournalGrain>();
            })
            .BuildServiceProvider();
        return (services.GetRequiredService<GrainRuntime>(), services);
    }
}

/// <summary>Another storage, counting the writes it refused for a stale ETag: proof that two writers actually collided.</summary>
public sealed class ConflictCountingStorage(IGrainStorage inner) : IGrainStorage
{
    private int _conflicts;

    public int Conflicts => Volatile.Read(ref _conflicts);

    public Task<GrainRecord?> ReadAsync(GrainId id, CancellationToken cancellationToken = default) => inner.ReadAsync(id, cancellationToken);

    public Task<string> WriteAsync(GrainId id, byte[] data, IReadOnlyList<IndexEntry> indexes, string? expectedETag, IReadOnlyList<OutboxMessage>? messages = null, CancellationToken cancellationToken = default) =>
        Counted(() => inner.WriteAsync(id, data, indexes, expectedETag, messages, cancellationToken));

    public Task ClearAsync(GrainId id, string? expectedETag, CancellationToken cancellationToken = default) =>
        Counted(async () =>
        {
            await inner.ClearAsync(id, expectedETag, cancellationToken);
            return true;
        });

    public Task<IndexPage> QueryAsync(string grainType, string indexName, string key, string? cursor, int limit, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(grainType, indexName, key, cursor, limit, cancellationToken);

    public Task<IReadOnlyList<ClaimedMessage>> ClaimDueMessagesAsync(DateTimeOffset now, TimeSpan lease, int limit, CancellationToken cancellationToken = default) =>
        inner.ClaimDueMessagesAsync(now, lease, limit, cancellationToken);

    public Task CompleteMessageAsync(ClaimedMessage message, CancellationToken cancellationToken = default) => inner.CompleteMessageAsync(message, cancellationToken);

    public Task RetryMessageAsync(ClaimedMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken = default) =>
        inner.RetryMessageAsync(message, dueAt, cancellationToken);

    private async Task<T> Counted<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (InconsistentStateException)
        {
            Interlocked.Increment(ref _conflicts);
            throw;
        }
    }
}

public interface IJournalGrain : IGrainEventHandler, IRemindable
{
    /// <summary>Sends an event to <paramref name="target"/>, committed with this grain's write; throws before writing if asked to.</summary>
    Task Send(string target, string eventId, bool failBeforeWriting = false);

    Task RemindMeAt(DateTimeOffset dueAt);

    /// <summary>Event ids in the order they were first received.</summary>
    Task<IReadOnlyList<string>> Received();

    Task<int> RemindersReceived();
}

public sealed record JournalState
{
    public IReadOnlyList<string> Received { get; init; } = [];
    public int Reminders { get; init; }
}

/// <summary>Reads its state at the start of every call, as grains do when several silos share a store (ADR 0002).</summary>
public sealed class JournalGrain(IPersistentState<JournalState> state) : Grain, IJournalGrain
{
    public async Task Send(string target, string eventId, bool failBeforeWriting = false)
    {
        await state.ReadStateAsync();
        Outbox.Send<IJournalGrain>(target, new GrainEvent(eventId, "test.sent", DateTimeOffset.UtcNow, System.Text.Json.JsonSerializer.SerializeToElement(new { eventId })));
        if (failBeforeWriting) throw new InvalidOperationException("The turn fails after asking to send.");
        await state.WriteStateAsync();
    }

    public async Task RemindMeAt(DateTimeOffset dueAt)
    {
        await state.ReadStateAsync();
        Outbox.RemindAt("wake", dueAt);
        await state.WriteStateAsync();
    }

    public async Task HandleEvent(GrainEvent @event)
    {
        await state.ReadStateAsync();
        if (state.State.Received.Contains(@event.Id)) return; // idempotent by event id
        state.State = state.State with { Received = [.. state.State.Received, @event.Id] };
        await state.WriteStateAsync();
    }

    public async Task ReceiveReminder(string name)
    {
        await state.ReadStateAsync();
        state.State = state.State with { Reminders = state.State.Reminders + 1 };
        await state.WriteStateAsync();
    }

    public async Task<IReadOnlyList<string>> Received()
    {
        await state.ReadStateAsync();
        return state.State.Received;
    }

    public async Task<int> RemindersReceived()
    {
        await state.ReadStateAsync();
        return state.State.Reminders;
    }
}
