using Moneta.GrainModel;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Storage;

namespace Moneta.Runtime;

internal interface IStateHandle
{
    Task ReadStateAsync();
}

/// <summary>
/// The state handle given to a grain: serializes its record and writes it conditionally on the ETag, together
/// with the index entries it declares and the messages the turn put in its outbox.
/// </summary>
internal sealed class PersistentState<TState>(GrainId id, GrainRuntime runtime, GrainOutbox outbox)
    : IPersistentState<TState>, IStateHandle
    where TState : class, new()
{
    private readonly IGrainStorage _storage = runtime.Storage;
    private readonly GrainStateSerializer _serializer = runtime.Serializer;

    // The state as last read or written. State records are immutable, so restoring this after a failed write
    // guarantees the grain never answers from a state that is not in storage.
    private TState _stored = new();

    public TState State { get; set; } = new();

    public string? ETag { get; private set; }

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync()
    {
        var record = await Unavailable.Translate(_storage, () => _storage.ReadAsync(id));
        State = _stored = record is null ? new TState() : _serializer.Deserialize<TState>(record.Data);
        ETag = record?.ETag;
        RecordExists = record is not null;
    }

    public async Task WriteStateAsync()
    {
        var messages = outbox.Drain();
        var data = _serializer.Serialize(State);
        if (data.Length > runtime.Options.MaxStateBytes)
            throw new GrainStateTooLargeException(id.ToString(), data.Length, runtime.Options.MaxStateBytes);

        IReadOnlyList<IndexEntry> indexes = State is IIndexedState indexed ? [.. indexed.GetIndexEntries()] : [];
        try
        {
            ETag = await Unavailable.Translate(_storage, () => _storage.WriteAsync(id, data, indexes, ETag, messages));
        }
        catch
        {
            State = _stored;
            throw;
        }

        _stored = State;
        RecordExists = true;
        // Anything due now (an event, or a reminder set for now, such as a dispatcher's next webhook) wakes the relay.
        var now = runtime.TimeProvider.GetUtcNow();
        if (messages.Any(m => m.Kind != OutboxMessageKind.ReminderCancellation && m.DueAt <= now)) runtime.OutboxSignal.Notify();
    }

    public async Task ClearStateAsync()
    {
        await Unavailable.Translate(_storage, () => _storage.ClearAsync(id, ETag));
        State = _stored = new TState();
        ETag = null;
        RecordExists = false;
    }
}
