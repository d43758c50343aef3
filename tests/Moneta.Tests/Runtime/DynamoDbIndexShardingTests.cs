using Amazon.DynamoDBv2.Model;
using Moneta.GrainModel;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;

namespace Moneta.Tests.Runtime;

/// <summary>
/// The hot index keys (every contract's status, every contract's month) are spread over several DynamoDB partitions
/// so that no partition takes every status change, and a list still reads as one index: exact order, stable cursor.
/// </summary>
public sealed class DynamoDbIndexShardingTests
{
    [Fact]
    public async Task A_hot_index_is_written_over_several_partitions_and_listed_in_exact_order_across_them()
    {
        var prefix = DynamoDbLocal.NewTablePrefix();
        using var store = DynamoDbLocal.CreateStorage(prefix);
        var created = DateTimeOffset.UnixEpoch.AddYears(56);
        var written = new List<(string SortKey, string GrainKey)>();
        var etags = new Dictionary<string, string>();
        for (var i = 0; i < 40; i++)
        {
            // Pairs of contracts share a creation time: the grain key breaks the tie, as on SQLite.
            var sortKey = created.AddSeconds(i / 2).ToString("O", System.Globalization.CultureInfo.InvariantCulture);
            var key = $"ctr-{Guid.NewGuid():N}";
            etags[key] = await store.WriteAsync(new GrainKey("contract", key), [1], [new IndexEntry("status", "pending", sortKey), new IndexEntry("mo_id", "mo-1", sortKey)], null);
            written.Add((sortKey, key));
        }

        // Half of them change status: their entries move to another key of the same index.
        foreach (var (_, key) in written.Where((_, i) => i % 2 == 0))
            await store.WriteAsync(new GrainKey("contract", key), [2], [new IndexEntry("status", "finalized", written.Single(w => w.GrainKey == key).SortKey), new IndexEntry("mo_id", "mo-1", written.Single(w => w.GrainKey == key).SortKey)], etags[key]);

        var expected = written.OrderBy(w => w.SortKey, StringComparer.Ordinal).ThenBy(w => w.GrainKey, StringComparer.Ordinal).ToList();
        var moved = written.Where((_, i) => i % 2 == 0).Select(w => w.GrainKey).ToHashSet();
        Assert.Equal(expected.Where(w => !moved.Contains(w.GrainKey)).Select(w => w.GrainKey).ToList(), await ListAsync(store, "status", "pending"));
        Assert.Equal(expected.Where(w => moved.Contains(w.GrainKey)).Select(w => w.GrainKey).ToList(), await ListAsync(store, "status", "finalized"));
        Assert.Equal(expected.Select(w => w.GrainKey).ToList(), await ListAsync(store, "mo_id", "mo-1"));

        using var client = DynamoDbTableSetup.CreateClient(DynamoDbLocal.Options(prefix));
        var partitions = new HashSet<string>();
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await client.ScanAsync(new ScanRequest { TableName = prefix + DynamoDbTables.Index, ExclusiveStartKey = start });
            partitions.UnionWith(page.Items.Select(i => i["pk"].S));
            start = page.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
        Assert.True(partitions.Count(p => p.StartsWith("contract/status/pending#", StringComparison.Ordinal)) > 4, string.Join(", ", partitions));
        Assert.Contains("contract/mo_id/mo-1", partitions); // an index that is not hot stays one partition per key
    }

    private static async Task<List<string>> ListAsync(DynamoDbStateStore store, string index, string key)
    {
        var keys = new List<string>();
        string? cursor = null;
        do
        {
            var page = await store.QueryAsync("contract", index, key, cursor, 7);
            keys.AddRange(page.Keys);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return keys;
    }
}
