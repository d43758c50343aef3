using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Moneta.GrainModel;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;
using Orleans.Storage;

namespace Moneta.Tests.Runtime;

/// <summary>The same contract for every provider: conditional writes, atomic index entries, stable pagination.</summary>
public sealed class GrainStorageTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public static TheoryData<string> Providers => ["memory", "sqlite", "dynamodb"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Writes_are_conditional_on_the_etag(string provider)
    {
        var storage = Create(provider);
        var id = new GrainKey("thing", "a");

        var first = await storage.WriteAsync(id, [1], [], expectedETag: null);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(id, [9], [], expectedETag: null));
        var second = await storage.WriteAsync(id, [2], [], first);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(id, [9], [], first));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearAsync(id, first));

        var stored = await storage.ReadAsync(id);
        Assert.Equal(second, stored!.ETag);
        Assert.Equal(new byte[] { 2 }, stored.Data);
        await storage.ClearAsync(id, second);
        Assert.Null(await storage.ReadAsync(id));
        // After a clear, a writer still holding an old ETag cannot resurrect the item (no ABA).
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync(id, [3], [], second));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Index_entries_are_replaced_with_the_state_and_paged_in_sort_order(string provider)
    {
        var storage = Create(provider);
        for (var i = 0; i < 7; i++)
            await storage.WriteAsync(new GrainKey("contract", $"c{i}"), [1], [new IndexEntry("status", "pending", $"2026-01-0{7 - i}"), new IndexEntry("mo_id", "mo-1", $"{i}")], null);

        var pending = await ReadAll(storage, "status", "pending", pageSize: 3);
        Assert.Equal(["c6", "c5", "c4", "c3", "c2", "c1", "c0"], pending);

        var record = await storage.ReadAsync(new GrainKey("contract", "c3"));
        await storage.WriteAsync(new GrainKey("contract", "c3"), [2], [new IndexEntry("status", "finalized", "2026-01-04")], record!.ETag);

        Assert.DoesNotContain("c3", await ReadAll(storage, "status", "pending", pageSize: 2));
        Assert.Equal(["c3"], await ReadAll(storage, "status", "finalized", pageSize: 2));
        Assert.DoesNotContain("c3", await ReadAll(storage, "mo_id", "mo-1", pageSize: 10));
        await Assert.ThrowsAsync<FormatException>(() => storage.QueryAsync("contract", "status", "pending", "not-a-cursor", 2));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_state_may_have_several_entries_under_one_index_name_and_drop_some(string provider)
    {
        var storage = Create(provider);
        var owner = new GrainKey("endpoints", "org-1");
        var etag = await storage.WriteAsync(owner, [1], [new IndexEntry("endpoint_id", "ep-1", ""), new IndexEntry("endpoint_id", "ep-2", ""), new IndexEntry("endpoint_id", "ep-2", "")], null);
        Assert.Equal(["org-1"], await ReadAll(storage, "endpoint_id", "ep-1", pageSize: 5, grainType: "endpoints"));
        Assert.Equal(["org-1"], await ReadAll(storage, "endpoint_id", "ep-2", pageSize: 5, grainType: "endpoints"));

        etag = await storage.WriteAsync(owner, [2], [new IndexEntry("endpoint_id", "ep-2", ""), new IndexEntry("endpoint_id", "ep-3", "")], etag);
        Assert.Empty(await ReadAll(storage, "endpoint_id", "ep-1", pageSize: 5, grainType: "endpoints"));
        Assert.Equal(["org-1"], await ReadAll(storage, "endpoint_id", "ep-3", pageSize: 5, grainType: "endpoints"));

        await storage.ClearAsync(owner, etag);
        Assert.Empty(await ReadAll(storage, "endpoint_id", "ep-2", pageSize: 5, grainType: "endpoints"));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_state_at_the_runtime_size_cap_is_stored_whole(string provider)
    {
        var storage = Create(provider);
        var data = new byte[MonetaGrainStorage.MaxStateBytes];
        Random.Shared.NextBytes(data);
        var etag = await storage.WriteAsync(new GrainKey("thing", "big"), data, [new IndexEntry("all", "x", "1")], null);

        var stored = await storage.ReadAsync(new GrainKey("thing", "big"));
        Assert.Equal(etag, stored!.ETag);
        Assert.Equal(data, stored.Data);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_writer_whose_etag_went_stale_on_another_connection_is_refused(string provider)
    {
        // Two silos on one store: each provider instance may remember what it wrote, but never trusts it over the store.
        var (first, second) = provider == "dynamodb" ? Pair(DynamoDbLocal.NewTablePrefix()) : (Create(provider), (IGrainStateStore?)null);
        second ??= first;
        var id = new GrainKey("thing", "shared");
        var etag = await first.WriteAsync(id, [1], [new IndexEntry("all", "x", "1")], null);
        var read = await second.ReadAsync(id);
        await second.WriteAsync(id, [2], [new IndexEntry("all", "y", "1")], read!.ETag);

        await Assert.ThrowsAsync<InconsistentStateException>(() => first.WriteAsync(id, [3], [new IndexEntry("all", "z", "1")], etag));
        Assert.Empty(await ReadAll(first, "all", "x", pageSize: 5, grainType: "thing"));
        Assert.Equal(["shared"], await ReadAll(first, "all", "y", pageSize: 5, grainType: "thing"));
        Assert.Empty(await ReadAll(first, "all", "z", pageSize: 5, grainType: "thing"));

        static (IGrainStateStore, IGrainStateStore?) Pair(string prefix) => (DynamoDbLocal.CreateStorage(prefix), DynamoDbLocal.CreateStorage(prefix));
    }

    [Fact]
    public async Task A_dynamodb_write_beyond_the_transaction_limit_fails_clearly_and_writes_nothing()
    {
        var storage = DynamoDbLocal.CreateStorage();
        var id = new GrainKey("thing", "wide");
        var entries = Enumerable.Range(0, DynamoDbStateStore.MaxTransactionItems).Select(i => new IndexEntry("all", $"k{i}", "")).ToList();

        await Assert.ThrowsAsync<GrainRecordTooLargeException>(() => storage.WriteAsync(id, [1], entries, null));
        Assert.Null(await storage.ReadAsync(id));
        await storage.WriteAsync(id, [1], entries[..^1], null); // exactly 100 items: the state and 99 entries
        Assert.Equal(["wide"], await ReadAll(storage, "all", "k98", pageSize: 5, grainType: "thing"));
    }

    [Fact]
    public async Task Concurrent_writes_are_group_committed_and_all_acknowledged()
    {
        var path = Path.Combine(_directory.Path, "group.db");
        await using (var storage = new SqliteStateStore(new SqliteStorageOptions { Path = path }, NullLogger<SqliteStateStore>.Instance))
            await Task.WhenAll(Enumerable.Range(0, 500).Select(i => storage.WriteAsync(new GrainKey("thing", $"t{i}"), [(byte)i], [new IndexEntry("all", "x", $"{i:D4}")], null)));

        await using var reopened = new SqliteStateStore(new SqliteStorageOptions { Path = path }, NullLogger<SqliteStateStore>.Instance);
        Assert.Equal(500, (await ReadAll(reopened, "all", "x", pageSize: 200, grainType: "thing")).Count);
        Assert.Equal(new byte[] { 42 }, (await reopened.ReadAsync(new GrainKey("thing", "t42")))!.Data);
    }

    [Fact]
    public async Task A_sqlite_file_from_an_earlier_version_drops_the_outbox_indexes_no_statement_uses_and_keeps_its_messages()
    {
        var path = Path.Combine(_directory.Path, "earlier.db");
        var due = DateTimeOffset.UtcNow.AddMinutes(-1);
        await using (var storage = new SqliteStateStore(new SqliteStorageOptions { Path = path }, NullLogger<SqliteStateStore>.Instance))
        {
            await storage.WriteAsync(new GrainKey("thing", "sender"), [1], [], null,
                [new(new GrainKey("journal", "j1"), "event-1", OutboxMessageKind.Event, [1], due), new(new GrainKey("thing", "sender"), "wake", OutboxMessageKind.Reminder, null, due)]);
        }

        // The indexes every outbox row of an earlier version was written to.
        Sql(path, "CREATE INDEX outbox_due ON outbox (due_at); CREATE INDEX outbox_by_target ON outbox (target_type, target_key, kind, sequence);");

        await using var reopened = new SqliteStateStore(new SqliteStorageOptions { Path = path }, NullLogger<SqliteStateStore>.Instance);
        Assert.Equal(0L, Sql(path, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN ('outbox_due', 'outbox_by_target')"));

        var claimed = await reopened.ClaimDueMessagesAsync(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), limit: 10);
        Assert.Equal(["event-1", "wake"], claimed.Select(m => m.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_sqlite_file_from_an_earlier_version_keeps_its_listings_and_moves_its_grains_entries_after_the_upgrade()
    {
        var path = Path.Combine(_directory.Path, "by-grain.db");
        var (moved, cleared, kept) = (new GrainKey("contract", "moved"), new GrainKey("contract", "cleared"), new GrainKey("contract", "kept"));
        await using (var storage = new SqliteStateStore(new SqliteStorageOptions { Path = path }, NullLogger<SqliteStateStore>.Instance))
        {
            foreach (var id in new[] { moved, cleared, kept })
                await storage.WriteAsync(id, [1], [new IndexEntry("status", "pending", "2026-12-01"), new IndexEntry("mo_id", "mo-1", "2026-12-01")], null);
        }

        // The layout an earlier version left: entries found through an index by grain, no lists.
        Sql(path, "DELETE FROM grain_index_entries; CREATE INDEX grain_index_by_grain ON grain_index (grain_type, grain_key);");

        // Two processes sharing the file may open it at the same moment: one migrates it, the other finds it migrated.
        var opening = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => new SqliteStateStore(new SqliteStorageOptions { Path = path }, NullLogger<SqliteStateStore>.Instance))));
        await opening[1].DisposeAsync();
        await using var reopened = opening[0];
        Assert.Equal(["cleared", "kept", "moved"], (await ReadAll(reopened, "status", "pending", pageSize: 10)).Order(StringComparer.Ordinal));

        var etag = (await reopened.ReadAsync(moved))!.ETag;
        await reopened.WriteAsync(moved, [2], [new IndexEntry("status", "finalized", "2026-12-01"), new IndexEntry("mo_id", "mo-1", "2026-12-01")], etag);
        await reopened.ClearAsync(cleared, (await reopened.ReadAsync(cleared))!.ETag);

        Assert.Equal(["kept"], await ReadAll(reopened, "status", "pending", pageSize: 10));
        Assert.Equal(["moved"], await ReadAll(reopened, "status", "finalized", pageSize: 10));
        Assert.Equal(["kept", "moved"], (await ReadAll(reopened, "mo_id", "mo-1", pageSize: 10)).Order(StringComparer.Ordinal));
        Assert.Equal(0L, Sql(path, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'grain_index_by_grain'"));
        Assert.Equal(2L, Sql(path, "SELECT COUNT(*) FROM grain_index_entries")); // lists for the two grains left
    }

    public void Dispose() => _directory.Dispose();

    /// <summary>Runs SQL on the file as another process would, outside the store; returns the first value, if any.</summary>
    private static object? Sql(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private IGrainStateStore Create(string provider) => provider switch
    {
        "memory" => new InMemoryStateStore(),
        "dynamodb" => DynamoDbLocal.CreateStorage(),
        _ => new SqliteStateStore(new SqliteStorageOptions { Path = Path.Combine(_directory.Path, $"{Guid.NewGuid():N}.db") }, NullLogger<SqliteStateStore>.Instance),
    };

    private static async Task<List<string>> ReadAll(IGrainStateStore storage, string index, string key, int pageSize, string grainType = "contract")
    {
        var keys = new List<string>();
        string? cursor = null;
        do
        {
            var page = await storage.QueryAsync(grainType, index, key, cursor, pageSize);
            Assert.True(page.Keys.Count <= pageSize);
            keys.AddRange(page.Keys);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return keys;
    }
}
