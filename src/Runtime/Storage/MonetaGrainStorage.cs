using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Moneta.GrainModel;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.State;
using Orleans.Storage;

namespace Moneta.Runtime.Storage;

/// <summary>
/// Orleans' grain storage over one of our stores (SQLite, DynamoDB, or memory in tests). A write is one conditional
/// store write of the state (System.Text.Json, snake_case: the same bytes the stores held before Orleans), the
/// index entries the state declares and the outbox messages the turn carries (<see cref="OutboxState{TState}"/>).
/// Store errors reach the caller as Orleans exceptions that cross silos intact: a stale ETag as
/// <see cref="InconsistentStateException"/> (409), an unavailable store as
/// <see cref="GrainStorageUnavailableException"/> (503), an oversized record as
/// <see cref="GrainRecordTooLargeException"/> (409).
/// </summary>
public sealed partial class MonetaGrainStorage : IGrainStorage, IDisposable
{
    /// <summary>Largest serialized state accepted: under DynamoDB's 400 KB item limit, with room for keys and attributes.</summary>
    public const int MaxStateBytes = 350 * 1024;

    public const string MeterName = "Moneta.Storage";

    private readonly IGrainStateStore _store;
    private readonly GrainStateSerializer _serializer;
    private readonly OutboxSignal _outboxSignal;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _conflicts;
    private long _staleWrites;

    public MonetaGrainStorage(IGrainStateStore store, GrainStateSerializer serializer, OutboxSignal outboxSignal, TimeProvider clock, ILogger<MonetaGrainStorage> logger)
    {
        (_store, _serializer, _outboxSignal, _clock, _logger) = (store, serializer, outboxSignal, clock, logger);
        _conflicts = _meter.CreateCounter<long>("moneta.storage.conflicts", description: "Writes refused for a stale ETag: with one activation per grain, a sign of two clusters on one store");
    }

    /// <summary>
    /// Writes this silo's storage refused for a stale ETag since it started. Orleans keeps one activation per grain,
    /// so in a healthy cluster this stays zero; anything else means two writers for one grain.
    /// </summary>
    public long StaleWrites => Interlocked.Read(ref _staleWrites);

    public void Dispose() => _meter.Dispose();

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var record = await Guarded(() => _store.ReadAsync(GrainKey.ForState(stateName, grainId)));
        if (record is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = _serializer.Deserialize<T>(record.Data);
        grainState.ETag = record.ETag;
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = GrainKey.ForState(stateName, grainId);
        var data = _serializer.Serialize(grainState.State);
        if (data.Length > MaxStateBytes)
            throw new GrainRecordTooLargeException($"State of grain {key} is {data.Length} bytes; the storage limit is {MaxStateBytes} bytes.");

        IReadOnlyList<IndexEntry> indexes = grainState.State is IIndexedState indexed ? [.. indexed.GetIndexEntries()] : [];
        var messages = grainState is IOutboxMessages carried ? carried.Messages : [];
        var expiresAt = grainState.State is IExpiringState expiring ? expiring.ExpiresAt : (DateTimeOffset?)null;
        if (expiresAt is not null && indexes.Count > 0)
            throw new InvalidOperationException($"State of grain {key} expires and declares index entries; a store deletes an expired item alone, which would leave its entries behind.");
        try
        {
            grainState.ETag = await Guarded(() => _store.WriteAsync(key, data, indexes, grainState.ETag, messages, expiresAt));
        }
        catch (InconsistentStateException)
        {
            Interlocked.Increment(ref _staleWrites);
            _conflicts.Add(1, new KeyValuePair<string, object?>("grain_type", key.Type));
            throw;
        }

        grainState.RecordExists = true;

        // An event, or a reminder due now (a dispatcher's next webhook), wakes this silo's relay at once.
        var now = _clock.GetUtcNow();
        if (messages.Any(m => m.Kind != OutboxMessageKind.ReminderCancellation && m.DueAt <= now)) _outboxSignal.Notify();
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await Guarded(async () =>
        {
            await _store.ClearAsync(GrainKey.ForState(stateName, grainId), grainState.ETag);
            return true;
        });
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    /// <summary>
    /// Reports the store's "unreachable or overloaded" errors as one exception the front door answers with 503.
    /// The store's own exception (an AWS or SQLite type) is logged here and not passed on: it may not serialize
    /// across silos, and it may name hosts and tables a client has no business seeing.
    /// </summary>
    internal async Task<TResult> Guarded<TResult>(Func<Task<TResult>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (_store.IsUnavailable(e))
        {
            LogUnavailable(_logger, e);
            throw new GrainStorageUnavailableException();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The grain store is unavailable or overloaded")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);
}
