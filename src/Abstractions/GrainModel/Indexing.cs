namespace Moneta.GrainModel;

/// <summary>
/// One secondary-index entry of a grain's state: the grain is found under (<see cref="Name"/>, <see cref="Key"/>),
/// ordered by <see cref="SortKey"/>. Entries are written atomically with the state they describe.
/// </summary>
public readonly record struct IndexEntry(string Name, string Key, string SortKey);

/// <summary>Implemented by a state record that should be findable by secondary indexes.</summary>
public interface IIndexedState
{
    IEnumerable<IndexEntry> GetIndexEntries();
}

/// <summary>A page of grain keys from an index query, and the cursor of the next page (null at the end).</summary>
public sealed record IndexPage(IReadOnlyList<string> Keys, string? NextCursor);

/// <summary>Finds grains by the secondary indexes their state declares.</summary>
public interface IGrainIndex
{
    /// <exception cref="FormatException">The cursor was not issued by this index.</exception>
    Task<IndexPage> QueryAsync<TGrainInterface>(string indexName, string key, string? cursor, int limit, CancellationToken cancellationToken = default)
        where TGrainInterface : IGrainWithStringKey;
}
