using Moneta.GrainModel;

namespace Moneta.Tests.Runtime;

// Grains that exist only to test the runtime: a counter whose turns would lose increments if they interleaved, a pair
// that calls each other in a cycle, and a journal that sends and receives outbox events and reminders.

[Alias("Moneta.Tests.ICounterGrain")]
public interface ICounterGrain : IGrainWithStringKey
{
    /// <summary>Read, yield, write: interleaved calls would lose increments.</summary>
    Task<int> Increment();

    /// <summary>Increments, then fails before answering if asked to: the write happened, the caller hears an error.</summary>
    Task<int> IncrementThenFail();

    /// <summary>Changes the state in memory and fails before writing it.</summary>
    Task IncrementInMemoryThenFail();

    /// <summary>Sets the next state and fails the write with a state too large to store.</summary>
    Task<int> IncrementBeyondTheStorageLimit();

    Task<int> Value();

    Task<int> ActivationNumber();
}

[GenerateSerializer, Immutable, Alias("Moneta.Tests.CounterState")]
public sealed record CounterState
{
    [Id(0)]
    public int Value { get; init; }

    [Id(1)]
    public string Padding { get; init; } = "";
}

[GrainType("counter")]
public sealed class CounterGrain([OutboxState] IOutboxState<CounterState> state, ActivationLog log) : Grain, ICounterGrain
{
    private int _activation;
    private int _inside;

    private string Key => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _activation = log.Activated(Key);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        log.Deactivated(Key);
        return Task.CompletedTask;
    }

    public async Task<int> Increment()
    {
        if (Interlocked.Increment(ref _inside) != 1) throw new InvalidOperationException("Two calls ran inside one activation at once.");
        var read = state.State.Value;
        await Task.Yield();
        await Task.Delay(Random.Shared.Next(0, 2));
        state.State = state.State with { Value = read + 1 };
        await state.WriteStateAsync();
        Interlocked.Decrement(ref _inside);
        return state.State.Value;
    }

    public async Task<int> IncrementThenFail()
    {
        await Increment();
        throw new InvalidOperationException("The turn fails after its write.");
    }

    public Task IncrementInMemoryThenFail()
    {
        state.State = state.State with { Value = state.State.Value + 1 };
        throw new InvalidOperationException("The turn fails before its write.");
    }

    public async Task<int> IncrementBeyondTheStorageLimit()
    {
        state.State = state.State with { Value = state.State.Value + 1, Padding = new string('x', 400 * 1024) };
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public Task<int> Value() => Task.FromResult(state.State.Value);

    public Task<int> ActivationNumber() => Task.FromResult(_activation);
}

[Alias("Moneta.Tests.IPingGrain")]
public interface IPingGrain : IGrainWithStringKey
{
    /// <summary>Calls the named grain, which calls back: a cycle between two non-reentrant grains.</summary>
    Task<string> PingThrough(string other);

    Task<string> PingBack(string caller);
}

[GrainType("ping")]
public sealed class PingGrain : Grain, IPingGrain
{
    public Task<string> PingThrough(string other) => GrainFactory.GetGrain<IPingGrain>(other).PingBack(this.GetPrimaryKeyString());

    public Task<string> PingBack(string caller) => GrainFactory.GetGrain<IPingGrain>(caller).PingThrough(this.GetPrimaryKeyString());
}

[Alias("Moneta.Tests.IJournalGrain")]
public interface IJournalGrain : IGrainEventHandler, IReminderHandler
{
    /// <summary>Sends an event to <paramref name="target"/>, committed with this grain's write; throws before writing if asked to.</summary>
    Task Send(string target, string eventId, bool failBeforeWriting = false);

    /// <summary>Sends events to an <see cref="IRunJournalGrain"/>, all committed with one write.</summary>
    Task SendRun(string target, IReadOnlyList<string> eventIds);

    Task RemindMeAt(DateTimeOffset dueAt);

    /// <summary>Event ids in the order they were first received.</summary>
    Task<IReadOnlyList<string>> Received();

    Task<int> RemindersReceived();
}

[GenerateSerializer, Immutable, Alias("Moneta.Tests.JournalState")]
public sealed record JournalState
{
    [Id(0)]
    public IReadOnlyList<string> Received { get; init; } = [];

    [Id(1)]
    public int Reminders { get; init; }
}

[GrainType("journal")]
public sealed class JournalGrain([OutboxState] IOutboxState<JournalState> state) : Grain, IJournalGrain
{
    public async Task Send(string target, string eventId, bool failBeforeWriting = false)
    {
        state.Outbox.Send<IJournalGrain>(target, new GrainEvent(eventId, "test.sent", DateTimeOffset.UtcNow, System.Text.Json.JsonSerializer.SerializeToElement(new { eventId })));
        if (failBeforeWriting) throw new InvalidOperationException("The turn fails after asking to send.");
        await state.WriteStateAsync();
    }

    public async Task SendRun(string target, IReadOnlyList<string> eventIds)
    {
        foreach (var eventId in eventIds)
            state.Outbox.Send<IRunJournalGrain>(target, new GrainEvent(eventId, "test.sent", DateTimeOffset.UtcNow, System.Text.Json.JsonSerializer.SerializeToElement(new { eventId })));
        await state.WriteStateAsync();
    }

    public async Task RemindMeAt(DateTimeOffset dueAt)
    {
        state.Outbox.RemindAt("wake", dueAt);
        await state.WriteStateAsync();
    }

    public async Task HandleEvent(GrainEvent @event)
    {
        if (state.State.Received.Contains(@event.Id)) return; // idempotent by event id
        state.State = state.State with { Received = [.. state.State.Received, @event.Id] };
        await state.WriteStateAsync();
    }

    public async Task ReceiveReminder(string name)
    {
        state.State = state.State with { Reminders = state.State.Reminders + 1 };
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> Received() => Task.FromResult(state.State.Received);

    public Task<int> RemindersReceived() => Task.FromResult(state.State.Reminders);
}

/// <summary>A grain that takes its events in runs, and counts the calls that brought them.</summary>
[Alias("Moneta.Tests.IRunJournalGrain")]
public interface IRunJournalGrain : IGrainEventGroupHandler
{
    /// <summary>Event ids in the order they were first received.</summary>
    Task<IReadOnlyList<string>> Received();

    /// <summary>Calls that brought events to this activation (a run, or one event), failed ones included.</summary>
    Task<int> Calls();

    /// <summary>The next run fails after taking <paramref name="events"/> of its events (which are then not kept).</summary>
    Task FailNextRunAfterTaking(int events);
}

[GenerateSerializer, Immutable, Alias("Moneta.Tests.RunJournalState")]
public sealed record RunJournalState
{
    [Id(0)]
    public IReadOnlyList<string> Received { get; init; } = [];
}

[GrainType("runjournal")]
public sealed class RunJournalGrain([OutboxState] IOutboxState<RunJournalState> state) : Grain, IRunJournalGrain
{
    private int? _failAfter;
    private int _calls;

    public Task HandleEvent(GrainEvent @event) => HandleEvents([@event]);

    public async Task HandleEvents(IReadOnlyList<GrainEvent> events)
    {
        _calls++;
        foreach (var @event in events)
        {
            if (_failAfter is { } failAfter && state.State.Received.Count == failAfter)
            {
                _failAfter = null;
                throw new InvalidOperationException("The run fails part-way.");
            }

            if (!state.State.Received.Contains(@event.Id)) // idempotent by event id
                state.State = state.State with { Received = [.. state.State.Received, @event.Id] };
        }

        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> Received() => Task.FromResult(state.State.Received);

    public Task<int> Calls() => Task.FromResult(_calls);

    public Task FailNextRunAfterTaking(int events)
    {
        _failAfter = events;
        return Task.CompletedTask;
    }
}

/// <summary>Counts activations per key across a test's silos, so deactivation and reactivation are observable.</summary>
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

    public int ActivationsOf(string key)
    {
        lock (_activations) return _activations.GetValueOrDefault(key);
    }

    public int DeactivationsOf(string key)
    {
        lock (_activations) return _deactivations.GetValueOrDefault(key);
    }
}
