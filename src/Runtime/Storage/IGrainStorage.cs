using Moneta.GrainModel;

namespace Moneta.Runtime.Storage;

/// <summary>A grain's stored item: its serialized state and the ETag a writer must present to replace it.</summary>
public sealed record GrainRecord(byte[] Data, string ETag);

/// <summary>
/// Grain storage, shaped for a key-value store with conditional writes: one item per grain, written only if the
/// caller's ETag still matches, with the grain's secondary-index entries replaced in the same atomic write
/// (a DynamoDB provider maps this to a TransactWriteItems or to GSI attributes on the item).
/// </summary>
public interface IGrainStorage
{
    Task<GrainRecord?> ReadAsync(GrainId id, CancellationToken cancellationToken = default);

    /// <summary>Stores the state if the stored ETag equals <paramref name="expectedETag"/> (null: no item yet); returns the new ETag.</summary>
    /// <exception cref="InconsistentStateException">Another writer got there first; nothing was written.</exception>
    Task<string> WriteAsync(GrainId id, byte[] data, IReadOnlyList<IndexEntry> indexes, string? expectedETag, CancellationToken cancellationToken = default);

    /// <exception cref="InconsistentStateException">Another writer got there first; nothing was deleted.</exception>
    Task ClearAsync(GrainId id, string? expectedETag, CancellationToken cancellationToken = default);

    /// <summary>Grain keys under one index key, in (sort key, grain key) order, after the cursor.</summary>
    /// <exception cref="FormatException">The cursor was not issued by <see cref="IndexCursor"/>.</exception>
    Task<IndexPage> QueryAsync(string grainType, string indexName, string key, string? cursor, int limit, CancellationToken cancellationToken = default);
}
