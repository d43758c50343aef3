using Moneta.GrainModel;
using Moneta.Runtime.Messaging;

namespace Moneta.Runtime.Storage;

/// <summary>Grain storage in process memory, for unit tests. Same conditional-write semantics as the durable providers.</summary>
public sealed class InMemoryStateStore : IGrainStateStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<GrainKey, GrainRecord> _records = [];
    private readonly Dictionary<GrainKey, IReadOnlyList<IndexEntry>> _indexEntries = [];
    private readonly Dictionary<(string Type, string Name, string Key), SortedSet<IndexCursor>> _indexes = [];
    private readonly Dictionary<(GrainKey Target, string Name), StoredMessage> _outbox = [];
    private long _sequence;

    private static readonly Comparer<IndexCursor> Order = Comparer<IndexCursor>.Create((a, b) =>
    {
        var bySort = string.CompareOrdinal(a.SortKey, b.SortKey);
        return bySort != 0 ? bySort : string.CompareOrdinal(a.GrainKey, b.GrainKey);
    });

    public Task<GrainRecord?> ReadAsync(GrainKey id, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return Task.FromResult(_records.GetValueOrDefault(id));
    }

    public Task<string> WriteAsync(GrainKey id, byte[] data, IReadOnlyList<IndexEntry> indexes, string? expectedETag, IReadOnlyList<OutboxMessage>? messages = null, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            EnsureETag(id, expectedETag);
            var etag = ETags.New();
            _records[id] = new GrainRecord([.. data], etag);
            ReplaceIndexEntries(id, indexes);
            foreach (var message in messages ?? [])
                Put(message);
            return Task.FromResult(etag);
        }
    }

    public Task ClearAsync(GrainKey id, string? expectedETag, CancellationToken cancellationToken = default)
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

    public Task<IReadOnlyList<ClaimedMessage>> ClaimDueMessagesAsync(DateTimeOffset now, TimeSpan lease, int limit, string? owner = null, Func<string, int>? maxRun = null, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var claimed = new List<ClaimedMessage>();
            var token = Guid.NewGuid().ToString("N");
            var heads = 0;
            foreach (var message in _outbox.Values.Where(m => m.DueAt <= now && m.LeaseUntil <= now).OrderBy(m => m.DueAt).ThenBy(m => m.Sequence))
            {
                if (heads == limit) break;
                if (message.Kind == OutboxMessageKind.Event && _outbox.Values.Any(m => m.IsEarlierEventFor(message))) continue;

                heads++;
                var head = Claim(message);
                var behind = _outbox.Values.Where(m => message.IsEarlierEventFor(m)).OrderBy(m => m.Sequence)
                    .Take(head.RunLength(maxRun) - 1).TakeWhile(m => m.DueAt <= now && m.LeaseUntil <= now).ToList();
                claimed.Add(head);
                claimed.AddRange(behind.Select(Claim));
            }

            return Task.FromResult<IReadOnlyList<ClaimedMessage>>(claimed);

            ClaimedMessage Claim(StoredMessage taken)
            {
                taken.ClaimToken = token;
                taken.ClaimOwner = owner;
                taken.LeaseUntil = now + lease;
                return new ClaimedMessage(taken.Target, taken.Name, taken.Kind, taken.Body, taken.Attempts, token);
            }
        }
    }

    public Task CompleteMessageAsync(ClaimedMessage message, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_outbox.TryGetValue((message.Target, message.Name), out var stored) && stored.ClaimToken == message.ClaimToken)
                _outbox.Remove((message.Target, message.Name));
            return Task.CompletedTask;
        }
    }

    public Task RetryMessageAsync(ClaimedMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_outbox.TryGetValue((message.Target, message.Name), out var stored) && stored.ClaimToken == message.ClaimToken)
            {
                stored.DueAt = dueAt;
                stored.LeaseUntil = DateTimeOffset.MinValue;
                stored.ClaimToken = null;
                stored.ClaimOwner = null;
                stored.Attempts++;
            }

            return Task.CompletedTask;
        }
    }

    public Task<int> ReleaseClaimsAsync(string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var held = _outbox.Values.Where(m => m.ClaimOwner == owner && m.LeaseUntil > now).ToList();
            foreach (var message in held)
            {
                message.LeaseUntil = DateTimeOffset.MinValue;
                message.ClaimToken = null;
                message.ClaimOwner = null;
            }

            return Task.FromResult(held.Count);
        }
    }

    private void Put(OutboxMessage message)
    {
        var key = (message.Target, message.Name);
        switch (message.Kind)
        {
            case OutboxMessageKind.Event:
                _outbox.TryAdd(key, new StoredMessage(message, ++_sequence));
                break;
            case OutboxMessageKind.Reminder:
                _outbox[key] = new StoredMessage(message, ++_sequence);
                break;
            case OutboxMessageKind.ReminderCancellation:
                if (_outbox.TryGetValue(key, out var reminder) && reminder.Kind == OutboxMessageKind.Reminder) _outbox.Remove(key);
                break;
        }
    }

    private void EnsureETag(GrainKey id, string? expectedETag)
    {
        var stored = _records.GetValueOrDefault(id)?.ETag;
        if (stored != expectedETag)
            throw StaleETag.Refusal(id, expectedETag, stored);
    }

    private void ReplaceIndexEntries(GrainKey id, IReadOnlyList<IndexEntry> entries)
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


    private sealed class StoredMessage(OutboxMessage message, long sequence)
    {
        public GrainKey Target { get; } = message.Target;
        public string Name { get; } = message.Name;
        public OutboxMessageKind Kind { get; } = message.Kind;
        public byte[]? Body { get; } = message.Body;
        public long Sequence { get; } = sequence;
        public DateTimeOffset DueAt { get; set; } = message.DueAt;
        public DateTimeOffset LeaseUntil { get; set; } = DateTimeOffset.MinValue;
        public string? ClaimToken { get; set; }
        public string? ClaimOwner { get; set; }
        public int Attempts { get; set; }

        public bool IsEarlierEventFor(StoredMessage other) =>
            Kind == OutboxMessageKind.Event && Target == other.Target && Sequence < other.Sequence;
    }
}
