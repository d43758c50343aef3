using System.Diagnostics.Metrics;
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Moneta.GrainModel;
using Moneta.Runtime.Storage;
using Orleans.Configuration;

namespace Moneta.Runtime.Membership;

/// <summary>
/// Orleans cluster membership on DynamoDB (Moneta:Cluster:Membership=DynamoDB, ADR 0010), on Orleans 10.4.2's
/// contract. One item per silo incarnation and one version item per cluster, all under the cluster's partition key.
/// Every insert and update is one TransactWriteItems of the silo's item and the version item, conditioned on the
/// version's ETag (and, for an update, on the silo item's ETag), which gets a new random value: two silos that read
/// the same version cannot both write. <see cref="UpdateIAmAliveAsync"/> sets the heartbeat attribute alone, so a
/// heartbeat changes neither ETag. It has a DynamoDB client of its own, so storage traffic cannot queue the
/// membership's requests behind it (a silo whose heartbeats and votes starve is declared dead).
/// </summary>
public sealed partial class DynamoDbMembershipTable : IMembershipTable, IDisposable
{
    /// <summary>Meter of the membership's DynamoDB requests, by operation.</summary>
    public const string MeterName = "Moneta.Membership";

    private const string VersionRow = "version";
    private const int MaxBatchWrite = 25; // BatchWriteItem's limit
    private const int MaxReadAttempts = 10;

    /// <summary>The version of a cluster not initialized yet: no write can match this ETag.</summary>
    private static readonly TableVersion Uninitialized = new(0, "none");

    private readonly IAmazonDynamoDB _client;
    private readonly string _table;
    private readonly string _clusterId;
    private readonly string _tablePrefix;
    private readonly bool _createTables;
    private readonly ILogger _logger;
    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _requests;

    public DynamoDbMembershipTable(DynamoDbStorageOptions options, IOptions<ClusterOptions> cluster, ILogger<DynamoDbMembershipTable> logger)
    {
        _client = DynamoDbTableSetup.CreateClient(options);
        _tablePrefix = options.TablePrefix;
        _table = options.TablePrefix + DynamoDbTables.Membership;
        _createTables = options.CreateTables;
        _clusterId = cluster.Value.ClusterId;
        _logger = logger;
        _requests = _meter.CreateCounter<long>("moneta.membership.requests", description: "Membership table requests to DynamoDB, by operation");
    }

    private async Task InitializeCoreAsync(bool tryInitTableVersion, CancellationToken cancellationToken)
    {
        await DynamoDbTableSetup.EnsureAsync(_client, [DynamoDbTables.MembershipDefinition(_tablePrefix)], _createTables, _logger, cancellationToken);
        if (!tryInitTableVersion) return;
        try
        {
            Count("init");
            await _client.PutItemAsync(new PutItemRequest
            {
                TableName = _table,
                Item = new() { ["pk"] = S(_clusterId), ["sk"] = S(VersionRow), ["version"] = N(0), ["etag"] = S(ETags.New()) },
                ConditionExpression = "attribute_not_exists(pk)",
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // Another silo created it first: what matters is that it exists.
        }
    }

    private async Task DeleteClusterCoreAsync(string clusterId, CancellationToken cancellationToken)
    {
        var keys = new List<Dictionary<string, AttributeValue>>();
        await foreach (var item in QueryClusterAsync(clusterId, "pk, sk", cancellationToken))
            keys.Add(new() { ["pk"] = item["pk"], ["sk"] = item["sk"] });
        await DeleteAsync(keys, cancellationToken);
    }

    /// <summary>
    /// Dead silos only, last seen before the cutoff. Dead is final in Orleans, so a row read as defunct cannot come
    /// back to life before the delete lands, and a batch delete without a condition is safe.
    /// </summary>
    private async Task CleanupCoreAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken)
    {
        var table = await ReadAllAsync(cancellationToken);
        var defunct = table.Members
            .Select(m => m.Item1)
            .Where(e => MembershipRows.IsDefunct(e, beforeDate))
            .Select(e => new Dictionary<string, AttributeValue> { ["pk"] = S(_clusterId), ["sk"] = S(e.SiloAddress.ToParsableString()) })
            .ToList();
        await DeleteAsync(defunct, cancellationToken);
    }

    /// <summary>The silo's item and the version item in one TransactGetItems: a serializable snapshot of the two.</summary>
    private async Task<MembershipTableData> ReadRowCoreAsync(SiloAddress key, CancellationToken cancellationToken)
    {
        Count("read_row");
        var response = await _client.TransactGetItemsAsync(new TransactGetItemsRequest
        {
            TransactItems =
            [
                new() { Get = new() { TableName = _table, Key = Key(key.ToParsableString()) } },
                new() { Get = new() { TableName = _table, Key = Key(VersionRow) } },
            ],
        }, cancellationToken);
        var items = (response.Responses ?? []).Select(r => r?.Item).ToList();
        var row = items.ElementAtOrDefault(0) is { Count: > 0 } silo ? [Tuple.Create(ReadEntry(silo), silo["etag"].S)] : new List<Tuple<MembershipEntry, string>>();
        var version = items.ElementAtOrDefault(1) is { Count: > 0 } versionItem ? ReadVersion(versionItem) : Uninitialized;
        return new MembershipTableData(row, version);
    }

    /// <summary>
    /// The version item first (a strongly consistent read, which sees a transaction whole), then every silo item
    /// (a strongly consistent query, which may see a later transaction's silo item before its version item: each
    /// silo item carries the version it was written under, and a silo item newer than the version read means the
    /// snapshot is torn, so it is read again). Reading the version first means no change at or below it is missing.
    /// </summary>
    private async Task<MembershipTableData> ReadAllCoreAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            Count("read_version");
            var versionItem = (await _client.GetItemAsync(new GetItemRequest { TableName = _table, Key = Key(VersionRow), ConsistentRead = true }, cancellationToken)).Item;
            var version = versionItem is { Count: > 0 } ? ReadVersion(versionItem) : Uninitialized;

            var rows = new List<Tuple<MembershipEntry, string>>();
            var torn = false;
            await foreach (var item in QueryClusterAsync(_clusterId, projection: null, cancellationToken))
            {
                if (item["sk"].S == VersionRow) continue;
                torn |= int.Parse(item["mver"].N, CultureInfo.InvariantCulture) > version.Version;
                rows.Add(Tuple.Create(ReadEntry(item), item["etag"].S));
            }

            if (!torn) return new MembershipTableData(rows, version);
            LogTornRead(_logger, attempt);
            if (attempt == MaxReadAttempts)
                throw new InvalidOperationException($"The membership of cluster {_clusterId} kept changing while it was read ({MaxReadAttempts} attempts).");
            await Task.Delay(TimeSpan.FromMilliseconds(20 * attempt), cancellationToken);
        }
    }

    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken) =>
        Guarded(() => WriteRowAsync(entry, rowEtag: null, tableVersion, "insert", cancellationToken));

    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken) =>
        Guarded(() => WriteRowAsync(entry, etag, tableVersion, "update", cancellationToken));

    /// <summary>
    /// The heartbeat alone: neither ETag changes, so what another silo read stays valid. A silo whose row is gone
    /// (cleaned up after it was declared dead) is not written back.
    /// </summary>
    private async Task UpdateIAmAliveCoreAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            Count("heartbeat");
            await _client.UpdateItemAsync(new UpdateItemRequest
            {
                TableName = _table,
                Key = Key(entry.SiloAddress.ToParsableString()),
                UpdateExpression = "SET i_am_alive = :time",
                ConditionExpression = "attribute_exists(pk)",
                ExpressionAttributeValues = new() { [":time"] = S(MembershipRows.Time(entry.IAmAliveTime)) },
            }, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            LogHeartbeatWithoutRow(_logger, entry.SiloAddress);
        }
    }

    public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken) => Guarded(() => InitializeCoreAsync(tryInitTableVersion, cancellationToken));
    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken) => Guarded(() => DeleteClusterCoreAsync(clusterId, cancellationToken));
    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken) => Guarded(() => CleanupCoreAsync(beforeDate, cancellationToken));
    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken) => Guarded(() => ReadRowCoreAsync(key, cancellationToken));
    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) => Guarded(() => ReadAllCoreAsync(cancellationToken));
    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken) => Guarded(() => UpdateIAmAliveCoreAsync(entry, cancellationToken));

    // Orleans 10.4.2 calls the *Async overloads above; these are the interface's older, obsolete members.
    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <summary>
    /// DynamoDB out of reach or throttling, after the SDK's retries, becomes the exception the front door answers with
    /// 503 (an operator reading the cluster view during an outage), and that crosses silos; Orleans' own membership
    /// logic treats it like any failed table operation and tries again. The AWS error is logged here.
    /// </summary>
    private async Task<T> Guarded<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (DynamoDbTableSetup.IsUnavailable(e))
        {
            LogUnavailable(_logger, e);
            throw new GrainStorageUnavailableException("The membership table is unavailable or overloaded.");
        }
    }

    private Task Guarded(Func<Task> operation) => Guarded(async () =>
    {
        await operation();
        return true;
    });

    public void Dispose()
    {
        _meter.Dispose();
        _client.Dispose();
    }

    /// <summary>
    /// The silo's item (inserted: it must not exist; updated: its ETag must be the one read) and the version item
    /// (its ETag must be the one read), in one transaction, or nothing. A condition that fails, or another
    /// transaction on the same items at the same instant, is a refusal (false): Orleans reads the table again and
    /// retries. Anything else is an infrastructure error and is thrown.
    /// </summary>
    private async Task<bool> WriteRowAsync(MembershipEntry entry, string? rowEtag, TableVersion tableVersion, string operation, CancellationToken cancellationToken)
    {
        var newRowEtag = ETags.New();
        var row = Item(entry, newRowEtag, tableVersion.Version);
        var put = rowEtag is null
            ? new Put { TableName = _table, Item = row, ConditionExpression = "attribute_not_exists(pk)" }
            : new Put { TableName = _table, Item = row, ConditionExpression = "etag = :etag", ExpressionAttributeValues = new() { [":etag"] = S(rowEtag) } };
        var version = new Update
        {
            TableName = _table,
            Key = Key(VersionRow),
            UpdateExpression = "SET version = :version, etag = :new_etag",
            ConditionExpression = "etag = :etag",
            ExpressionAttributeValues = new() { [":version"] = N(tableVersion.Version), [":new_etag"] = S(ETags.New()), [":etag"] = S(tableVersion.VersionEtag) },
        };

        try
        {
            Count(operation);
            await _client.TransactWriteItemsAsync(new TransactWriteItemsRequest
            {
                TransactItems = [new() { Put = put }, new() { Update = version }],
                // The SDK retries a request whose answer was lost; with the token DynamoDB answers the repeat with the
                // first outcome instead of failing the repeat's conditions against the first one's own write.
                ClientRequestToken = newRowEtag,
            }, cancellationToken);
            return true;
        }
        catch (TransactionCanceledException e) when (IsRefusal(e))
        {
            LogRefused(_logger, operation, entry.SiloAddress, string.Join(",", (e.CancellationReasons ?? []).Select(r => r?.Code ?? "None")));
            return false;
        }
    }

    /// <summary>Read from the cancellation reasons' codes (one per item, "None" for an item that was fine), never from the message.</summary>
    private static bool IsRefusal(TransactionCanceledException e) =>
        e.CancellationReasons is { Count: > 0 } reasons
        && reasons.Any(r => r?.Code is "ConditionalCheckFailed" or "TransactionConflict")
        && reasons.All(r => r?.Code is null or "None" or "ConditionalCheckFailed" or "TransactionConflict");

    /// <summary>Batch deletes of 25, and the items DynamoDB left unprocessed (throttling) again, with backoff, until none are left.</summary>
    private async Task DeleteAsync(List<Dictionary<string, AttributeValue>> keys, CancellationToken cancellationToken)
    {
        foreach (var chunk in keys.Chunk(MaxBatchWrite))
        {
            var pending = new Dictionary<string, List<WriteRequest>> { [_table] = [.. chunk.Select(k => new WriteRequest { DeleteRequest = new() { Key = k } })] };
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                if (attempt > 0)
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(50 * Math.Pow(2, attempt), 5_000) * (0.5 + Random.Shared.NextDouble())), cancellationToken);
                if (attempt == 12)
                    throw new InvalidOperationException($"DynamoDB left {pending.Values.Sum(v => v.Count)} membership deletes unprocessed after {attempt} attempts.");
                Count("delete");
                var response = await _client.BatchWriteItemAsync(new BatchWriteItemRequest { RequestItems = pending }, cancellationToken);
                pending = response.UnprocessedItems is { Count: > 0 } left ? left : [];
            }
        }
    }

    private async IAsyncEnumerable<Dictionary<string, AttributeValue>> QueryClusterAsync(string clusterId, string? projection, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            Count("query");
            var response = await _client.QueryAsync(new QueryRequest
            {
                TableName = _table,
                KeyConditionExpression = "pk = :cluster",
                ExpressionAttributeValues = new() { [":cluster"] = S(clusterId) },
                ProjectionExpression = projection,
                ConsistentRead = true,
                ExclusiveStartKey = start,
            }, cancellationToken);
            foreach (var item in response.Items ?? [])
                yield return item;
            start = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (start is not null);
    }

    private Dictionary<string, AttributeValue> Item(MembershipEntry entry, string etag, int version)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["pk"] = S(_clusterId),
            ["sk"] = S(entry.SiloAddress.ToParsableString()),
            ["status"] = N((int)entry.Status),
            ["proxy_port"] = N(entry.ProxyPort),
            ["host_name"] = S(entry.HostName ?? ""),
            ["silo_name"] = S(entry.SiloName ?? ""),
            ["update_zone"] = N(entry.UpdateZone),
            ["fault_zone"] = N(entry.FaultZone),
            ["start_time"] = S(MembershipRows.Time(entry.StartTime)),
            ["i_am_alive"] = S(MembershipRows.Time(entry.IAmAliveTime)),
            ["suspects"] = new() { L = [.. (entry.SuspectTimes ?? []).Select(s => new AttributeValue { L = [S(s.Item1.ToParsableString()), S(MembershipRows.Time(s.Item2))] })] },
            ["etag"] = S(etag),
            ["mver"] = N(version),
        };
        if (entry.RoleName is { } role) item["role_name"] = S(role);
        return item;
    }

    private static MembershipEntry ReadEntry(Dictionary<string, AttributeValue> item) => new()
    {
        SiloAddress = SiloAddress.FromParsableString(item["sk"].S),
        Status = (SiloStatus)Int(item["status"]),
        ProxyPort = Int(item["proxy_port"]),
        HostName = item["host_name"].S,
        SiloName = item["silo_name"].S,
        RoleName = item.TryGetValue("role_name", out var role) ? role.S : null,
        UpdateZone = Int(item["update_zone"]),
        FaultZone = Int(item["fault_zone"]),
        StartTime = MembershipRows.ParseTime(item["start_time"].S),
        IAmAliveTime = MembershipRows.ParseTime(item["i_am_alive"].S),
        SuspectTimes = [.. (item.TryGetValue("suspects", out var suspects) ? suspects.L ?? [] : [])
            .Select(s => Tuple.Create(SiloAddress.FromParsableString(s.L[0].S), MembershipRows.ParseTime(s.L[1].S)))],
    };

    private static TableVersion ReadVersion(Dictionary<string, AttributeValue> item) => new(Int(item["version"]), item["etag"].S);

    private Dictionary<string, AttributeValue> Key(string sk) => new() { ["pk"] = S(_clusterId), ["sk"] = S(sk) };

    private void Count(string operation) => _requests.Add(1, new KeyValuePair<string, object?>("operation", operation));

    private static int Int(AttributeValue value) => int.Parse(value.N, CultureInfo.InvariantCulture);

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(int value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    [LoggerMessage(LogLevel.Warning, "The DynamoDB membership table is unavailable or overloaded")]
    private static partial void LogUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(LogLevel.Debug, "Membership {Operation} of {Silo} refused ({Reasons}); Orleans reads the table again and retries")]
    private static partial void LogRefused(ILogger logger, string operation, SiloAddress silo, string reasons);

    [LoggerMessage(LogLevel.Information, "The membership table changed while it was read (attempt {Attempt}); reading it again")]
    private static partial void LogTornRead(ILogger logger, int attempt);

    [LoggerMessage(LogLevel.Warning, "Heartbeat of {Silo} not written: its membership row is gone")]
    private static partial void LogHeartbeatWithoutRow(ILogger logger, SiloAddress silo);
}
