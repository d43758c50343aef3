using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Moneta.Runtime.Storage;

/// <summary>
/// The tables of <see cref="DynamoDbStateStore"/> and of the DynamoDB membership table, defined once: the providers
/// create them from here when configured to, and a test holds deploy/cloudformation/tables.yaml to the same
/// definitions. docs/storage.md describes the keys and the access pattern behind each one.
/// </summary>
public static class DynamoDbTables
{
    /// <summary>One item per grain: pk = "{grain type}/{grain key}".</summary>
    public const string Grains = "grains";

    /// <summary>One item per index entry: pk = "{grain type}/{index name}/{index key}", sk = "{sort key}\u0001{grain key}".</summary>
    public const string Index = "grain_index";

    /// <summary>One item per outbox message: pk = "{target type}/{target key}", sk = message name.</summary>
    public const string Outbox = "outbox";

    /// <summary>
    /// Cluster membership: pk = cluster id, sk = the silo's address (ip:port@generation), or "version" for the row
    /// whose ETag guards every membership change of that cluster.
    /// </summary>
    public const string Membership = "membership";

    /// <summary>
    /// On a grain item: when DynamoDB may delete it (Unix seconds; the table's time-to-live attribute). Only states
    /// that are worthless after a time carry it (a used client assertion's jti).
    /// </summary>
    public const string ExpiresAt = "expires_at";

    /// <summary>Outbox GSI of due messages: pk = shard, sk = due time (Unix ms).</summary>
    public const string DueIndex = "due";

    /// <summary>Outbox LSI of a target's events by sequence (sparse: reminders have no sequence).</summary>
    public const string SequenceIndex = "by_seq";

    /// <summary>
    /// Partitions of the due index. Every silo polls all of them, so the count is part of the data format: changing
    /// it needs the messages in flight drained first.
    /// </summary>
    public const int DueShards = 16;

    /// <summary>
    /// Partitions of the hot index keys. Every contract's status change writes under contract/status/{status}, and
    /// every contract's creation under contract/month/{month}: one partition each takes about 1,000 write units a
    /// second, and a transaction's writes count twice, so past a few hundred contracts a second they would throttle.
    /// Their entries are spread over this many partitions by grain key, and a list reads them all at once and merges.
    /// The count is part of the data format: changing it needs the index rewritten.
    /// </summary>
    public const int HotIndexShards = 16;

    private static readonly HashSet<(string GrainType, string IndexName)> HotIndexes = [("contract", "status"), ("contract", "month")];

    /// <summary>How many partitions an index key is spread over (1: it is not sharded).</summary>
    public static int IndexShards(string grainType, string indexName) => HotIndexes.Contains((grainType, indexName)) ? HotIndexShards : 1;

    /// <summary>Every table a production deployment has: grain storage and membership.</summary>
    public static IReadOnlyList<CreateTableRequest> All(string prefix) => [.. Definitions(prefix), MembershipDefinition(prefix)];

    /// <summary>The attribute DynamoDB's time to live reads on this table, if it has one.</summary>
    public static string? TimeToLiveAttribute(string tableName) =>
        tableName.EndsWith(Grains, StringComparison.Ordinal) ? ExpiresAt : null;

    public static CreateTableRequest MembershipDefinition(string prefix) => new()
    {
        TableName = prefix + Membership,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions = [new("pk", ScalarAttributeType.S), new("sk", ScalarAttributeType.S)],
        KeySchema = [new("pk", KeyType.HASH), new("sk", KeyType.RANGE)],
    };

    /// <summary>The grain storage's tables.</summary>
    public static IReadOnlyList<CreateTableRequest> Definitions(string prefix) =>
    [
        new()
        {
            TableName = prefix + Grains,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH)],
        },
        new()
        {
            TableName = prefix + Index,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new("pk", ScalarAttributeType.S), new("sk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH), new("sk", KeyType.RANGE)],
        },
        new()
        {
            TableName = prefix + Outbox,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions =
            [
                new("pk", ScalarAttributeType.S), new("sk", ScalarAttributeType.S),
                new("due_shard", ScalarAttributeType.S), new("due_at", ScalarAttributeType.N), new("event_seq", ScalarAttributeType.N),
            ],
            KeySchema = [new("pk", KeyType.HASH), new("sk", KeyType.RANGE)],
            GlobalSecondaryIndexes =
            [
                new()
                {
                    IndexName = DueIndex,
                    KeySchema = [new("due_shard", KeyType.HASH), new("due_at", KeyType.RANGE)],
                    Projection = new() { ProjectionType = ProjectionType.INCLUDE, NonKeyAttributes = ["msg_kind", "event_seq", "claim_owner"] },
                },
            ],
            LocalSecondaryIndexes =
            [
                new()
                {
                    IndexName = SequenceIndex,
                    KeySchema = [new("pk", KeyType.HASH), new("event_seq", KeyType.RANGE)],
                    Projection = new() { ProjectionType = ProjectionType.KEYS_ONLY },
                },
            ],
        },
    ];
}
