using Moneta.GrainModel;

namespace Moneta.Runtime.Storage;

/// <summary>Grain storage in process memory, for unit tests. Same conditional-write semantics as the durable providers.</summary>
public sealed class InMemoryGrainStorage : IGrainStorage
{
    private readonly Lock _lock = new();
    private readonly Dictionary<GrainId, GrainRecord> _records = [];
    private readonly Dictionary<GrainId, IReadOnlyList<IndexEntry>> _indexEntries = [];
    private readonly Dictionary<(string Type, string Name, string Key), SortedSet<IndexCursor>> _indexes = [];

    private static readonly Comparer<IndexCursor> Order = Comparer<IndexCursor>.Create((a, b) =>
    {
        var bySort = string.CompareOrdinal(a.SortKey, b.SortKey);
        return bySort != 0 ? bySort : string.CompareOrdinal(a.GrainKey, b.GrainKey);
    });

    public Task<GrainRecord?> ReadAsync(GrainId id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return Task.FromResult(_records.GetValueOrDefault(id));
    }

    public Task<string> WriteAsync(GrainId id, byte[] data, IReadOnlyList<IndexEntry> indexes, string? expectedETag, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            EnsureETag(id, expectedETag);
            var etag = ETags.New();
            _records[id] = new GrainRecord([.. data], etag);
            ReplaceIndexEntries(id, indexes);
            return Task.FromResult(etag);
        }
    }

    public Task ClearAsync(GrainId id, string? expectedETag, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            EnsureETag(id, expectedETag);
            _records.Remove(id);
            ReplaceIndexEntries(id, []);
            return Task.CompletedTask;
        }
    }

    public Task<IndexPage> QueryAsync(string grainType, string indexName, string key, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        var after = cursor is null ? (IndexCursor?)null : IndexCursor.Decode(cursor);
        lock (_lock)
        {
            if (!_indexes.TryGetValue((grainType, indexName, key), out var entries))
                return Task.FromResult(new IndexPage([], null));

            var page = entries.Where(e => after is null || Order.Compare(e, after.Value) > 0).Take(limit + 1).ToList();
            var next = page.Count > limit ? page[limit - 1].Encode() : null;
            return Task.FromResult(new IndexPage([.. page.Take(limit).Select(e => e.GrainKey)], next));
        }
    }

    private void EnsureETag(GrainId id, string? expectedETag)
    {
        var stored = _records.GetValueOrDefault(id)?.ETag;
        if (stored != expectedETag)
            throw new InconsistentStateException(id.ToString(), expectedETag, stored);
    }

    private void ReplaceIndexEntries(GrainId id, IReadOnlyList<IndexEntry> entries)
    {
        foreach (var old in _indexEntries.GetValueOrDefault(id, []))
            _indexes[(id.Type, old.Name, old.Key)].Remove(new IndexCursor(old.SortKey, id.Key));

        foreach (var entry in entries)
        {
            var key = (id.Type, entry.Name, entry.Key);
            if (!_indexes.TryGetValue(key, out var set))
                _indexes[key] = set = new SortedSet<IndexCursor>(Order);
            set.Add(new IndexCursor(entry.SortKey, id.Key));
        }

        _indexEntries[id] = entries;
    }
}
