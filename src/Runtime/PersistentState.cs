using Moneta.GrainModel;
using Moneta.Runtime.Storage;

namespace Moneta.Runtime;

internal interface IStateHandle
{
    Task ReadStateAsync();
}

/// <summary>The state handle given to a grain: serializes its record and writes it conditionally on the ETag.</summary>
internal sealed class PersistentState<TState>(GrainId id, IGrainStorage storage, GrainStateSerializer serializer, int maxStateBytes)
    : IPersistentState<TState>, IStateHandle
    where TState : class, new()
{
    // The state as last read or written. State records are immutable, so restoring this after a failed write
    // guarantees the grain never answers from a state that is not in storage.
    private TState _stored = new();

    public TState State { get; set; } = new();

    public string? ETag { get; private set; }

    public bool RecordExists { get; private set; }

    public async Task ReadStateAsync()
    {
        var record = await storage.ReadAsync(id);
        State = _stored = record is null ? new TState() : serializer.Deserialize<TState>(record.Data);
        ETag = record?.ETag;
        RecordExists = record is not null;
    }

    public async Task WriteStateAsync()
    {
        var data = serializer.Serialize(State);
        if (data.Length > maxStateBytes)
            throw new GrainStateTooLargeException(id.ToString(), data.Length, maxStateBytes);

        IReadOnlyList<IndexEntry> indexes = State is IIndexedState indexed ? [.. indexed.GetIndexEntries()] : [];
        try
        {
            ETag = await storage.WriteAsync(id, data, indexes, ETag);
        }
        catch
        {
            State = _stored;
            throw;
        }

        _stored = State;
        RecordExists = true;
    }

    public async Task ClearStateAsync()
    {
        await storage.ClearAsync(id, ETag);
        State = _stored = new TState();
        ETag = null;
        RecordExists = false;
    }
}
