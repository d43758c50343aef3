using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Moneta.GrainModel;
using Moneta.Runtime.Messaging;

namespace Moneta.Runtime.Storage;

public sealed class DynamoDbStorageOptions
{
    /// <summary>Moneta:Storage:DynamoDB:ServiceUrl. Empty: AWS itself (the region's endpoint); else e.g. DynamoDB Local.</summary>
    public string ServiceUrl { get; set; } = "";

    /// <summary>Moneta:Storage:DynamoDB:Region.</summary>
    public string Region { get; set; } = "eu-central-1";

    /// <summary>Moneta:Storage:DynamoDB:TablePrefix, put before every table name (one set of tables per environment).</summary>
    public string TablePrefix { get; set; } = "moneta_";

    /// <summary>Moneta:Storage:DynamoDB:CreateTables: create missing tables at start (development, tests); else they must exist.</summary>
    public bool CreateTables { get; set; }

    /// <summary>
    /// Moneta:Storage:DynamoDB:MaxErrorRetry. The SDK's own default for DynamoDB (10, with backoff) can outlast the
    /// 30 s grain call timeout; 4 retries absorb a throttling burst and still let the caller hear 503 in time.
    /// </summary>
    public int MaxErrorRetry { get; set; } = 4;

    /// <summary>Moneta:Storage:DynamoDB:RequestTimeout: one HTTP attempt, so that a hung connection is retried.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Grain storage on DynamoDB (docs/storage.md, ADR 0006). A grain write is one TransactWriteItems: the state item
/// under its ETag condition, the index-entry items that changed, and the outbox messages. Index entries are items
/// of their own rather than GSI attributes, because a state may emit several entries under one index name and
/// because a query must see the writes acknowledged before it (GSIs are eventually consistent). Outbox messages
/// live under their target's partition; due ones are found through a GSI sharded over
/// <see cref="DynamoDbTables.DueShards"/> partitions, and a claim is a conditional update of the due time.
/// </summary>
public sealed class DynamoDbStateStore : IGrainStateStore, IDisposable
{
    /// <summary>DynamoDB's limit on the items of one TransactWriteItems.</summary>
    public const int MaxTransactionItems = 100;

    /// <summary>Meter of the DynamoDB requests this silo makes, by purpose: what the tables cost, seen from the silo.</summary>
    public const string MeterName = "Moneta.Storage.DynamoDB";

    private const int MaxKnownGrains = 100_000;
    private const char SortSeparator = '\u0001'; // below every character of a sort key: "a" + sep sorts before "ab" + sep

    private readonly IAmazonDynamoDB _client;
    private readonly ILogger _logger;
    private readonly string _grains;
    private readonly string _index;
    private readonly string _outbox;
    private readonly string _tablePrefix;
    private readonly bool _createTables;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _requests;
    private Task _ready; // the tables' preparation; replaced if it failed (ReadyAsync)

    // What this silo last read or wrote of each grain: the index entries (and last event sequence) stored under an
    // ETag. A write whose expected ETag matches needs no read to know which index items to replace; a miss costs one
    // consistent read. Valid because ETags are never reused: the stored item with that ETag has exactly these entries.
    private readonly ConcurrentDictionary<GrainKey, Known> _known = new();

    public DynamoDbStateStore(DynamoDbStorageOptions options, ILogger<DynamoDbStateStore> logger)
        : this(CreateClient(options), options, logger)
    {
    }

    public DynamoDbStateStore(IAmazonDynamoDB client, DynamoDbStorageOptions options, ILogger<DynamoDbStateStore> logger)
    {
        _client = client;
        _logger = logger;
        _grains = options.TablePrefix + DynamoDbTables.Grains;
        _index = options.TablePrefix + DynamoDbTables.Index;
        _outbox = options.TablePrefix + DynamoDbTables.Outbox;
        _requests = _meter.CreateCounter<long>("moneta.storage.dynamodb.requests", description: "DynamoDB requests, by purpose");
        _tablePrefix = options.TablePrefix;
        _createTables = options.CreateTables;
        _ready = PrepareTablesAsync();
    }

    public static IAmazonDynamoDB CreateClient(DynamoDbStorageOptions options) => DynamoDbTableSetup.CreateClient(options);

    /// <summary>Throttled or failing after the SDK's own retries, or unreachable.</summary>
    public bool IsUnavailable(Exception error) => DynamoDbTableSetup.IsUnavailable(error);

    public async Task<GrainRecord?> ReadAsync(GrainKey id, CancellationToken cancellationToken = default)
    {
        await ReadyAsync();
        Count("read");
        var response = await _client.GetItemAsync(new GetItemRequest
        {
            TableName = _grains,
            Key = Key(GrainPk(id)),
            ConsistentRead = true,
        }, cancellationToken);
        if (response.Item is not { Count: > 0 } item)
            return null;

        var known = Known.From(item);
        Remember(id, known);
        return new GrainRecord(item["state_data"].B.ToArray(), known.ETag);
    }

    public async Task<string> WriteAsync(GrainKey id, byte[] data, IReadOnlyList<IndexEntry> indexes, string? expectedETag, IReadOnlyList<OutboxMessage>? messages = null, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        await ReadyAsync();
        var before = await StoredAsync(id, expectedETag, cancellationToken);
        var etag = ETags.New();
        var entries = indexes.Select(e => new IndexItem(IndexPk(id.Type, e.Name, e.Key, id.Key), $"{e.SortKey}{SortSeparator}{id.Key}", e.SortKey)).Distinct().ToList();
        var sequence = before.LastSequence;

        var state = new Dictionary<string, AttributeValue>
        {
            ["pk"] = S(GrainPk(id)),
            ["etag"] = S(etag),
            ["state_data"] = new() { B = new MemoryStream(data) },
        };
        var items = new List<TransactWriteItem> { new() { Put = new() { TableName = _grains, Item = state } } };
        items.AddRange(before.Entries.Except(entries).Select(e => new TransactWriteItem { Delete = new() { TableName = _index, Key = Key(e.Pk, e.Sk) } }));
        items.AddRange(entries.Except(before.Entries).Select(e => new TransactWriteItem
        {
            Put = new() { TableName = _index, Item = new() { ["pk"] = S(e.Pk), ["sk"] = S(e.Sk), ["sort_key"] = S(e.SortKey), ["grain_key"] = S(id.Key) } },
        }));
        foreach (var message in Collapse(messages ?? []))
            items.Add(OutboxWrite(message, ref sequence));

        if (entries.Count > 0)
            state["idx"] = new() { L = [.. entries.Select(e => new AttributeValue { L = [S(e.Pk), S(e.Sk), S(e.SortKey)] })] };
        if (sequence > 0)
            state["oseq"] = N(sequence);
        if (expiresAt is { } expires)
            state[DynamoDbTables.ExpiresAt] = N(expires.ToUnixTimeSeconds()); // the table's time to live deletes it after this

        await CommitAsync(id, expectedETag, etag, items, cancellationToken);
        Remember(id, new Known(etag, entries, sequence));
        return etag;
    }

    public async Task ClearAsync(GrainKey id, string? expectedETag, CancellationToken cancellationToken = default)
    {
        await ReadyAsync();
        var before = await StoredAsync(id, expectedETag, cancellationToken);
        var items = new List<TransactWriteItem> { new() { Delete = new() { TableName = _grains, Key = Key(GrainPk(id)) } } };
        items.AddRange(before.Entries.Select(e => new TransactWriteItem { Delete = new() { TableName = _index, Key = Key(e.Pk, e.Sk) } }));
        await CommitAsync(id, expectedETag, newETag: null, items, cancellationToken);
        _known.TryRemove(id, out _);
    }

    /// <summary>
    /// One index key's entries after the cursor, in (sort key, grain key) order. A sharded index
    /// (<see cref="DynamoDbTables.IndexShards"/>) is read from each of its partitions at once and the pages merged:
    /// each partition is ordered the same way, so the merge is exact, and the cursor works across them.
    /// </summary>
    public async Task<IndexPage> QueryAsync(string grainType, string indexName, string key, string? cursor, int limit, CancellationToken cancellationToken = default)
    {
        var after = cursor is null ? (IndexCursor?)null : IndexCursor.Decode(cursor);
        await ReadyAsync();
        var shards = DynamoDbTables.IndexShards(grainType, indexName);
        var pks = shards == 1
            ? [$"{grainType}/{indexName}/{key}"]
            : Enumerable.Range(0, shards).Select(shard => $"{grainType}/{indexName}/{key}#{shard.ToString(CultureInfo.InvariantCulture)}").ToList();
        var pages = await Task.WhenAll(pks.Select(pk => QueryPartitionAsync(pk, after, limit + 1, cancellationToken)));
        var page = pages.SelectMany(p => p).OrderBy(e => e.Sk, StringComparer.Ordinal).Take(limit + 1).Select(e => e.Entry).ToList();

        var next = page.Count > limit ? page[limit - 1].Encode() : null;
        return new IndexPage([.. page.Take(limit).Select(e => e.GrainKey)], next);
    }

    private async Task<List<(string Sk, IndexCursor Entry)>> QueryPartitionAsync(string pk, IndexCursor? after, int want, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, AttributeValue> { [":pk"] = S(pk) };
        if (after is { } position)
            values[":after"] = S($"{position.SortKey}{SortSeparator}{position.GrainKey}");

        var page = new List<(string, IndexCursor)>(want);
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            // Strongly consistent: a query sees every write acknowledged before it, as with SQLite.
            Count("index_query");
            var response = await _client.QueryAsync(new QueryRequest
            {
                TableName = _index,
                KeyConditionExpression = after is null ? "pk = :pk" : "pk = :pk AND sk > :after",
                ExpressionAttributeValues = values,
                ProjectionExpression = "sk, sort_key, grain_key",
                ConsistentRead = true,
                Limit = want - page.Count,
                ExclusiveStartKey = start,
            }, cancellationToken);
            foreach (var item in response.Items ?? [])
                page.Add((item["sk"].S, new IndexCursor(item["sort_key"].S, item["grain_key"].S)));
            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null && page.Count < want);
        return page;
    }

    public async Task<IReadOnlyList<ClaimedMessage>> ClaimDueMessagesAsync(DateTimeOffset now, TimeSpan lease, int limit, string? owner = null, Func<string, int>? maxRun = null, CancellationToken cancellationToken = default)
    {
        await ReadyAsync();
        var nowMs = now.ToUnixTimeMilliseconds();
        var shards = await Task.WhenAll(Enumerable.Range(0, DynamoDbTables.DueShards).Select(shard => DueAsync(shard, nowMs, limit, cancellationToken)));
        // Of a target's due events only the earliest can be its head: one is checked per target, not every one queued.
        var candidates = shards.SelectMany(s => s)
            .GroupBy(c => c.IsEvent ? c.Pk : $"{c.Pk}/{c.Sk}")
            .Select(target => target.MinBy(c => c.Sequence)!)
            .OrderBy(c => c.Due).ThenBy(c => c.Sequence).ToList();

        var claimed = new List<ClaimedMessage>(limit);
        var heads = 0;
        var token = Guid.NewGuid().ToString("N");
        var until = (now + lease).ToUnixTimeMilliseconds();
        var next = 0;
        while (heads < limit && next < candidates.Count)
        {
            // Claim in rounds of as many as are still wanted; a candidate another silo took first is skipped.
            var round = candidates.Skip(next).Take(limit - heads).ToList();
            next += round.Count;
            var runs = await Task.WhenAll(round.Select(c => TryClaimRunAsync(c, maxRun, nowMs, until, token, owner, cancellationToken)));
            heads += runs.Count(r => r.Count > 0);
            claimed.AddRange(runs.SelectMany(r => r));
        }

        return claimed;
    }

    public async Task CompleteMessageAsync(ClaimedMessage message, CancellationToken cancellationToken = default)
    {
        try
        {
            Count("complete");
            await _client.DeleteItemAsync(new DeleteItemRequest
            {
                TableName = _outbox,
                Key = Key(TargetPk(message.Target), message.Name),
                ConditionExpression = "claim_token = :token",
                ExpressionAttributeValues = new() { [":token"] = S(message.ClaimToken) },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // The claim is no longer current (the lease ran out and it was claimed again, or a reminder was set again).
        }
    }

    /// <summary>A run's messages in one transaction of conditional deletes; if one is no longer this claim's, each on its own.</summary>
    public async Task CompleteMessagesAsync(IReadOnlyList<ClaimedMessage> messages, CancellationToken cancellationToken = default)
    {
        foreach (var chunk in messages.Chunk(MaxTransactionItems))
        {
            if (chunk.Length == 1)
            {
                await CompleteMessageAsync(chunk[0], cancellationToken);
                continue;
            }

            try
            {
                Count("complete_run");
                await _client.TransactWriteItemsAsync(new TransactWriteItemsRequest
                {
                    TransactItems = [.. chunk.Select(message => new TransactWriteItem
                    {
                        Delete = new Delete
                        {
                            TableName = _outbox,
                            Key = Key(TargetPk(message.Target), message.Name),
                            ConditionExpression = "claim_token = :token",
                            ExpressionAttributeValues = new() { [":token"] = S(message.ClaimToken) },
                        },
                    })],
                }, cancellationToken);
            }
            catch (TransactionCanceledException)
            {
                await Task.WhenAll(chunk.Select(message => CompleteMessageAsync(message, cancellationToken)));
            }
        }
    }

    public async Task RetryMessageAsync(ClaimedMessage message, DateTimeOffset dueAt, CancellationToken cancellationToken = default)
    {
        try
        {
            Count("retry");
            await _client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _outbox,
                Key = Key(TargetPk(message.Target), message.Name),
                UpdateExpression = "SET due_at = :due, attempt_count = attempt_count + :one REMOVE claim_token, claim_owner",
                ConditionExpression = "claim_token = :token",
                ExpressionAttributeValues = new() { [":due"] = N(dueAt.ToUnixTimeMilliseconds()), [":one"] = N(1), [":token"] = S(message.ClaimToken) },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
        }
    }

    /// <summary>
    /// A claim moved the message's due time to the end of its lease, and the due index projects the claim's owner: so
    /// the dead silo's claims are found by querying each shard for messages due within one lease from now, filtered by
    /// owner, never by a scan. Each is made due now by a conditional update that applies only while that silo still
    /// holds it. The index is eventually consistent: a claim made in the last instant before the silo died may not be
    /// found, and then waits for its lease as before.
    /// </summary>
    public async Task<int> ReleaseClaimsAsync(string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await ReadyAsync();
        var nowMs = now.ToUnixTimeMilliseconds();
        var held = await Task.WhenAll(Enumerable.Range(0, DynamoDbTables.DueShards).Select(shard => HeldByAsync(shard, owner, nowMs, (now + lease).ToUnixTimeMilliseconds(), cancellationToken)));
        var released = await Task.WhenAll(held.SelectMany(h => h).Select(async key =>
        {
            try
            {
                Count("release");
                await _client.UpdateItemAsync(new UpdateItemRequest
                {
                    TableName = _outbox,
                    Key = key,
                    UpdateExpression = "SET due_at = :now REMOVE claim_token, claim_owner",
                    ConditionExpression = "claim_owner = :owner AND due_at > :now",
                    ExpressionAttributeValues = new() { [":now"] = N(nowMs), [":owner"] = S(owner) },
                }, cancellationToken);
                return 1;
            }
            catch (ConditionalCheckFailedException)
            {
                return 0; // delivered, retried or claimed again meanwhile
            }
        }));
        return released.Sum();
    }

    public void Dispose()
    {
        _meter.Dispose();
        _client.Dispose();
    }

    /// <summary>The index entries and sequence stored under <paramref name="expectedETag"/>; fails early when that is not the stored ETag.</summary>
    private async Task<Known> StoredAsync(GrainKey id, string? expectedETag, CancellationToken cancellationToken)
    {
        if (expectedETag is null)
            return Known.None; // the write's condition is that no item exists, so there are no entries to replace
        if (_known.TryGetValue(id, out var known) && known.ETag == expectedETag)
            return known;

        Count("etag_lookup");
        var response = await _client.GetItemAsync(new GetItemRequest
        {
            TableName = _grains,
            Key = Key(GrainPk(id)),
            ConsistentRead = true,
            ProjectionExpression = "etag, idx, oseq",
        }, cancellationToken);
        var stored = response.Item is { Count: > 0 } item ? Known.From(item) : null;
        if (stored?.ETag != expectedETag)
            throw StaleETag.Refusal(id, expectedETag, stored?.ETag);
        return stored;
    }

    /// <summary>
    /// Commits the write: the first item is the grain's, conditioned on the ETag. One item alone is a plain
    /// conditional put or delete (half the cost of a transaction).
    /// </summary>
    private async Task CommitAsync(GrainKey id, string? expectedETag, string? newETag, List<TransactWriteItem> items, CancellationToken cancellationToken)
    {
        if (items.Count > MaxTransactionItems)
            throw new GrainRecordTooLargeException($"A write of grain {id} changes {items.Count} items; DynamoDB commits at most {MaxTransactionItems} in one transaction.");

        var (condition, values) = expectedETag is null
            ? ("attribute_not_exists(pk)", (Dictionary<string, AttributeValue>?)null)
            : ("etag = :expected", new Dictionary<string, AttributeValue> { [":expected"] = S(expectedETag) });

        if (items.Count == 1)
        {
            await CommitSingleAsync(id, expectedETag, newETag, items[0], condition, values, cancellationToken);
            return;
        }

        if (items[0].Put is { } put)
        {
            put.ConditionExpression = condition;
            put.ExpressionAttributeValues = values;
            put.ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD;
        }
        else
        {
            items[0].Delete.ConditionExpression = condition;
            items[0].Delete.ExpressionAttributeValues = values;
            items[0].Delete.ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // The token makes the SDK's own retries of this request idempotent (a retry after a lost response
                // must not fail its own ETag condition).
                Count("write");
                await _client.TransactWriteItemsAsync(new TransactWriteItemsRequest
                {
                    TransactItems = items,
                    ClientRequestToken = $"{newETag ?? Guid.NewGuid().ToString("N")}-{attempt}",
                }, cancellationToken);
                return;
            }
            catch (TransactionCanceledException e) when (e.CancellationReasons is { Count: > 0 } reasons)
            {
                if (reasons[0].Code == "ConditionalCheckFailed")
                    throw StaleETag.Refusal(id, expectedETag, reasons[0].Item?.GetValueOrDefault("etag")?.S);
                // Another transaction touched one of the items at the same moment (e.g. a relay claiming an event
                // this write stores again): nothing was written, so trying again is safe.
                if (attempt < 5 && reasons.Any(r => r.Code == "TransactionConflict"))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt * (1 + Random.Shared.NextDouble())), cancellationToken);
                    continue;
                }

                throw;
            }
        }
    }

    private async Task CommitSingleAsync(GrainKey id, string? expectedETag, string? newETag, TransactWriteItem item, string condition, Dictionary<string, AttributeValue>? values, CancellationToken cancellationToken)
    {
        try
        {
            if (item.Put is { } put)
            {
                Count("write");
                await _client.PutItemAsync(new PutItemRequest
                {
                    TableName = put.TableName,
                    Item = put.Item,
                    ConditionExpression = condition,
                    ExpressionAttributeValues = values,
                    ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                }, cancellationToken);
            }
            else
            {
                Count("write");
                await _client.DeleteItemAsync(new DeleteItemRequest
                {
                    TableName = item.Delete.TableName,
                    Key = item.Delete.Key,
                    ConditionExpression = condition,
                    ExpressionAttributeValues = values,
                }, cancellationToken);
            }
        }
        catch (ConditionalCheckFailedException e)
        {
            var stored = e.Item?.GetValueOrDefault("etag")?.S;
            // The SDK retried a put whose first attempt was applied but whose answer was lost: it is our own write.
            if (newETag is not null && stored == newETag)
                return;
            throw StaleETag.Refusal(id, expectedETag, stored);
        }
    }

    private TransactWriteItem OutboxWrite(OutboxMessage message, ref long sequence)
    {
        var key = Key(TargetPk(message.Target), message.Name);
        var due = N(message.DueAt.ToUnixTimeMilliseconds());
        var shard = S(Shard(message.Target, message.Name));
        switch (message.Kind)
        {
            case OutboxMessageKind.Event:
                // Per source grain the sequence only grows (clock time, or one past the last if the clock is behind),
                // so a target receives one grain's events in the order they were committed.
                sequence = Math.Max(DateTime.UtcNow.Ticks, sequence + 1);
                // if_not_exists everywhere: the same event stored twice is stored once, and a copy already claimed
                // keeps its lease and claim token.
                return new TransactWriteItem
                {
                    Update = new()
                    {
                        TableName = _outbox,
                        Key = key,
                        UpdateExpression = "SET msg_kind = if_not_exists(msg_kind, :kind), msg_body = if_not_exists(msg_body, :body), due_at = if_not_exists(due_at, :due), " +
                                           "event_seq = if_not_exists(event_seq, :seq), due_shard = if_not_exists(due_shard, :shard), attempt_count = if_not_exists(attempt_count, :zero)",
                        ExpressionAttributeValues = new()
                        {
                            [":kind"] = S("event"),
                            [":body"] = new() { B = new MemoryStream(message.Body ?? []) },
                            [":due"] = due,
                            [":seq"] = N(sequence),
                            [":shard"] = shard,
                            [":zero"] = N(0),
                        },
                    },
                };
            case OutboxMessageKind.Reminder:
                // Setting a reminder again moves it and drops any claim on it, so a firing in flight cannot delete it.
                var item = new Dictionary<string, AttributeValue>(key) { ["msg_kind"] = S("reminder"), ["due_at"] = due, ["due_shard"] = shard, ["attempt_count"] = N(0) };
                return new TransactWriteItem { Put = new() { TableName = _outbox, Item = item } };
            default:
                // A reminder's name never equals an event id (event ids are UUIDs), so this deletes a reminder only.
                return new TransactWriteItem { Delete = new() { TableName = _outbox, Key = key } };
        }
    }

    /// <summary>
    /// One write per message key, as the SQL providers apply them in order: the first copy of an event, the last
    /// word on a reminder. A transaction may not touch one item twice.
    /// </summary>
    private static IEnumerable<OutboxMessage> Collapse(IReadOnlyList<OutboxMessage> messages)
    {
        if (messages.Count < 2)
            return messages;
        var last = new Dictionary<(GrainKey, string), OutboxMessage>();
        foreach (var message in messages)
        {
            var key = (message.Target, message.Name);
            if (!(message.Kind == OutboxMessageKind.Event && last.TryGetValue(key, out var first) && first.Kind == OutboxMessageKind.Event))
                last[key] = message;
        }

        return last.Values;
    }

    private async Task<List<Candidate>> DueAsync(int shard, long nowMs, int limit, CancellationToken cancellationToken)
    {
        Count("due_query");
        var response = await _client.QueryAsync(new QueryRequest
        {
            TableName = _outbox,
            IndexName = DynamoDbTables.DueIndex,
            KeyConditionExpression = "due_shard = :shard AND due_at <= :now",
            ExpressionAttributeValues = new() { [":shard"] = S(shard.ToString(CultureInfo.InvariantCulture)), [":now"] = N(nowMs) },
            Limit = limit,
        }, cancellationToken);
        return [.. (response.Items ?? []).Select(i => new Candidate(
            i["pk"].S, i["sk"].S, i["msg_kind"].S == "event", long.Parse(i["due_at"].N, CultureInfo.InvariantCulture),
            i.TryGetValue("event_seq", out var seq) ? long.Parse(seq.N, CultureInfo.InvariantCulture) : 0))];
    }

    private async Task<List<Dictionary<string, AttributeValue>>> HeldByAsync(int shard, string owner, long nowMs, long untilMs, CancellationToken cancellationToken)
    {
        var keys = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            Count("release_query");
            var response = await _client.QueryAsync(new QueryRequest
            {
                TableName = _outbox,
                IndexName = DynamoDbTables.DueIndex,
                KeyConditionExpression = "due_shard = :shard AND due_at BETWEEN :after AND :until",
                FilterExpression = "claim_owner = :owner",
                ExpressionAttributeValues = new()
                {
                    [":shard"] = S(shard.ToString(CultureInfo.InvariantCulture)),
                    [":after"] = N(nowMs + 1),
                    [":until"] = N(untilMs),
                    [":owner"] = S(owner),
                },
                ProjectionExpression = "pk, sk",
                ExclusiveStartKey = start,
            }, cancellationToken);
            keys.AddRange((response.Items ?? []).Select(i => new Dictionary<string, AttributeValue> { ["pk"] = i["pk"], ["sk"] = i["sk"] }));
            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        return keys;
    }

    /// <summary>
    /// The candidate if it is its target's head, then as many of the events behind it as <paramref name="maxRun"/> allows. The
    /// run ends at the first of those not claimed (not due, or gone); any claimed after such a gap are delivered when
    /// their lease runs out, after the one in the gap, so the target's order holds.
    /// </summary>
    private async Task<IReadOnlyList<ClaimedMessage>> TryClaimRunAsync(Candidate candidate, Func<string, int>? maxRun, long nowMs, long until, string token, string? owner, CancellationToken cancellationToken)
    {
        if (candidate.IsEvent && await HasEarlierEventAsync(candidate, cancellationToken))
            return [];
        if (await TryClaimAsync(candidate.Pk, candidate.Sk, candidate.IsEvent, nowMs, until, token, owner, cancellationToken) is not { } head)
            return [];
        if (head.RunLength(maxRun) is not (var run and > 1))
            return [head];

        var behind = await EventsBehindAsync(candidate, run - 1, cancellationToken);
        if (behind.Count == 0)
            return [head];
        if (await TryClaimTogetherAsync(candidate.Pk, behind, nowMs, until, token, owner, cancellationToken) is { } together)
            return [head, .. together];
        var claims = await Task.WhenAll(behind.Select(sk => TryClaimAsync(candidate.Pk, sk, isEvent: true, nowMs, until, token, owner, cancellationToken)));
        return [head, .. claims.TakeWhile(c => c is not null).Select(c => c!)];
    }

    /// <summary>
    /// The events behind a claimed head, claimed in one transaction and read back in one consistent batch read: two
    /// requests for the run instead of one per event. Null if any of them could not be claimed (nothing was): the
    /// caller then claims them one by one.
    /// </summary>
    private async Task<IReadOnlyList<ClaimedMessage>?> TryClaimTogetherAsync(string pk, IReadOnlyList<string> names, long nowMs, long until, string token, string? owner, CancellationToken cancellationToken)
    {
        if (names.Count > MaxTransactionItems) return null;
        try
        {
            Count("claim_run");
            await _client.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems = [.. names.Select(sk => new TransactWriteItem
                {
                    Update = new Update
                    {
                        TableName = _outbox,
                        Key = Key(pk, sk),
                        UpdateExpression = ClaimUpdate(owner),
                        ConditionExpression = ClaimCondition,
                        ExpressionAttributeValues = ClaimValues(nowMs, until, token, owner),
                    },
                })],
            }, cancellationToken);
        }
        catch (TransactionCanceledException)
        {
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Perhaps claimed all the same (a lost answer): they are then due again when the lease runs out, still in order.
            _logger.LogWarning(e, "Claiming the {Count} events behind the first of {Target} failed; the first goes alone", names.Count, pk);
            return [];
        }

        var items = new Dictionary<string, Dictionary<string, AttributeValue>>(StringComparer.Ordinal);
        var keys = new KeysAndAttributes { Keys = [.. names.Select(sk => Key(pk, sk))], ConsistentRead = true, ProjectionExpression = "sk, msg_body, attempt_count" };
        try
        {
            while (keys is { Keys.Count: > 0 })
            {
                Count("claim_run_read");
                var response = await _client.BatchGetItemAsync(new BatchGetItemRequest { RequestItems = new() { [_outbox] = keys } }, cancellationToken);
                foreach (var item in response.Responses?.GetValueOrDefault(_outbox) ?? [])
                    items[item["sk"].S] = item;
                keys = response.UnprocessedKeys?.GetValueOrDefault(_outbox);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Reading the {Count} events claimed behind the first of {Target} failed; they are due again when the lease runs out", names.Count, pk);
            return [];
        }

        return [.. names.TakeWhile(items.ContainsKey).Select(sk => Claimed(pk, sk, isEvent: true, items[sk], token))];
    }

    /// <summary>The lease is the due time moved forward: a claimed message is due again when its lease runs out.</summary>
    private async Task<ClaimedMessage?> TryClaimAsync(string pk, string sk, bool isEvent, long nowMs, long until, string token, string? owner, CancellationToken cancellationToken)
    {
        try
        {
            Count("claim");
            var response = await _client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _outbox,
                Key = Key(pk, sk),
                UpdateExpression = ClaimUpdate(owner),
                ConditionExpression = ClaimCondition,
                ExpressionAttributeValues = ClaimValues(nowMs, until, token, owner),
                ReturnValues = ReturnValue.ALL_NEW,
            }, cancellationToken);
            return Claimed(pk, sk, isEvent, response.Attributes, token);
        }
        catch (ConditionalCheckFailedException)
        {
            return null; // another silo claimed it first, or it was delivered meanwhile
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogWarning(e, "Claiming outbox message {Name} for {Target} failed; it stays due", sk, pk);
            return null;
        }
    }

    /// <summary>The names of the target's next events after the candidate, in order: one strongly consistent query.</summary>
    private async Task<IReadOnlyList<string>> EventsBehindAsync(Candidate head, int most, CancellationToken cancellationToken)
    {
        Count("run_query");
        var response = await _client.QueryAsync(new QueryRequest
        {
            TableName = _outbox,
            IndexName = DynamoDbTables.SequenceIndex,
            KeyConditionExpression = "pk = :pk AND event_seq > :seq",
            ExpressionAttributeValues = new() { [":pk"] = S(head.Pk), [":seq"] = N(head.Sequence) },
            ConsistentRead = true,
            Limit = most,
        }, cancellationToken);
        return [.. (response.Items ?? []).Select(i => i["sk"].S)];
    }

    /// <summary>An event waits while an earlier event for its target is still stored (waiting or in flight): one query, Limit 1.</summary>
    private async Task<bool> HasEarlierEventAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        Count("fifo_check");
        var response = await _client.QueryAsync(new QueryRequest
        {
            TableName = _outbox,
            IndexName = DynamoDbTables.SequenceIndex,
            KeyConditionExpression = "pk = :pk AND event_seq < :seq",
            ExpressionAttributeValues = new() { [":pk"] = S(candidate.Pk), [":seq"] = N(candidate.Sequence) },
            ConsistentRead = true,
            Limit = 1,
        }, cancellationToken);
        return response.Items is { Count: > 0 };
    }

    /// <summary>
    /// Completes when the tables exist: created if configured to, else checked, so that a silo pointed at the wrong
    /// prefix or region fails at start with a message instead of on every request. A silo awaits this before it serves.
    /// </summary>
    public Task EnsureTablesAsync() => ReadyAsync();

    /// <summary>A failed preparation (DynamoDB not reachable yet, tables not created yet) is tried again on the next call.</summary>
    private Task ReadyAsync()
    {
        var ready = Volatile.Read(ref _ready);
        if (!ready.IsFaulted && !ready.IsCanceled)
            return ready;
        Interlocked.CompareExchange(ref _ready, PrepareTablesAsync(), ready);
        return Volatile.Read(ref _ready);
    }

    private Task PrepareTablesAsync() => DynamoDbTableSetup.EnsureAsync(_client, DynamoDbTables.Definitions(_tablePrefix), _createTables, _logger);

    private void Count(string purpose) => _requests.Add(1, new KeyValuePair<string, object?>("purpose", purpose));

    private void Remember(GrainKey id, Known known)
    {
        if (_known.Count >= MaxKnownGrains)
            _known.Clear(); // crude but bounded: a forgotten grain costs one extra read on its next write
        _known[id] = known;
    }

    private static string GrainPk(GrainKey id) => $"{id.Type}/{id.Key}";

    /// <summary>
    /// The partition of an index entry: one per index key, or for a hot index one of its shards, chosen by the grain
    /// key so that a grain's entries move between keys (a contract changing status) within the same shard number.
    /// </summary>
    private static string IndexPk(string grainType, string indexName, string indexKey, string grainKey)
    {
        var shards = DynamoDbTables.IndexShards(grainType, indexName);
        return shards == 1
            ? $"{grainType}/{indexName}/{indexKey}"
            : $"{grainType}/{indexName}/{indexKey}#{(Fnv1a(grainKey) % (uint)shards).ToString(CultureInfo.InvariantCulture)}";
    }

    private static string TargetPk(GrainKey target) => $"{target.Type}/{target.Key}";

    private static GrainKey TargetOf(string pk)
    {
        var slash = pk.IndexOf('/', StringComparison.Ordinal);
        return new GrainKey(pk[..slash], pk[(slash + 1)..]);
    }

    /// <summary>A claim is the due time moved to the lease's end, under this claim's token and owner.</summary>
    private static string ClaimUpdate(string? owner) =>
        owner is null ? "SET due_at = :until, claim_token = :token REMOVE claim_owner" : "SET due_at = :until, claim_token = :token, claim_owner = :owner";

    /// <summary>False for a message claimed by someone else, and for a deleted one too: a claim never resurrects a message.</summary>
    private const string ClaimCondition = "due_at <= :now";

    private static Dictionary<string, AttributeValue> ClaimValues(long nowMs, long until, string token, string? owner) => owner is null
        ? new() { [":until"] = N(until), [":token"] = S(token), [":now"] = N(nowMs) }
        : new() { [":until"] = N(until), [":token"] = S(token), [":now"] = N(nowMs), [":owner"] = S(owner) };

    /// <summary>A claimed message from its stored item (what a claim returned, or a read after it).</summary>
    private static ClaimedMessage Claimed(string pk, string sk, bool isEvent, Dictionary<string, AttributeValue> item, string token) => new(
        TargetOf(pk), sk, isEvent ? OutboxMessageKind.Event : OutboxMessageKind.Reminder,
        item.TryGetValue("msg_body", out var body) ? body.B.ToArray() : null,
        int.Parse(item["attempt_count"].N, CultureInfo.InvariantCulture),
        token);

    /// <summary>A stable hash (string.GetHashCode differs between processes): FNV-1a of the message key.</summary>
    private static string Shard(GrainKey target, string name) =>
        (Fnv1a($"{target.Type}/{target.Key}/{name}") % DynamoDbTables.DueShards).ToString(CultureInfo.InvariantCulture);

    private static uint Fnv1a(string text)
    {
        var hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(text))
            hash = (hash ^ b) * 16777619;
        return hash;
    }

    private static Dictionary<string, AttributeValue> Key(string pk) => new() { ["pk"] = S(pk) };

    private static Dictionary<string, AttributeValue> Key(string pk, string sk) => new() { ["pk"] = S(pk), ["sk"] = S(sk) };

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private sealed record IndexItem(string Pk, string Sk, string SortKey);

    private sealed record Candidate(string Pk, string Sk, bool IsEvent, long Due, long Sequence);

    private sealed record Known(string ETag, IReadOnlyList<IndexItem> Entries, long LastSequence)
    {
        public static readonly Known None = new("", [], 0);

        public static Known From(Dictionary<string, AttributeValue> item) => new(
            item["etag"].S,
            item.TryGetValue("idx", out var idx) ? [.. idx.L.Select(e => new IndexItem(e.L[0].S, e.L[1].S, e.L[2].S))] : [],
            item.TryGetValue("oseq", out var seq) ? long.Parse(seq.N, CultureInfo.InvariantCulture) : 0);
    }
}
