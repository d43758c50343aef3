using Amazon.DynamoDBv2.Model;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;

namespace Moneta.Tests.Runtime;

/// <summary>
/// Nothing grows without bound: a state that is worthless after a time (a used client assertion's jti) is deleted
/// after its expiry, by DynamoDB's time to live or by the SQLite store's sweep, and never before.
/// </summary>
public sealed class ExpiringStateTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task The_sqlite_sweep_deletes_a_state_after_its_expiry_and_leaves_the_rest()
    {
        await using var store = new SqliteStateStore(new SqliteStorageOptions { Path = Path.Combine(_directory.Path, "moneta.db") }, NullLogger<SqliteStateStore>.Instance);
        var now = DateTimeOffset.UtcNow;
        var expired = new GrainKey("clientassertion", "org:jti-1");
        var alive = new GrainKey("clientassertion", "org:jti-2");
        var lasting = new GrainKey("contract", "ctr-1");
        await store.WriteAsync(expired, [1], [], null, expiresAt: now.AddMinutes(-1));
        await store.WriteAsync(alive, [2], [], null, expiresAt: now.AddMinutes(5));
        await store.WriteAsync(lasting, [3], [], null);

        Assert.Equal(1, await store.SweepExpiredAsync(now));

        Assert.Null(await store.ReadAsync(expired));
        Assert.NotNull(await store.ReadAsync(alive));
        Assert.NotNull(await store.ReadAsync(lasting));
        Assert.Equal(1, await store.SweepExpiredAsync(now.AddMinutes(6)));
        Assert.NotNull(await store.ReadAsync(lasting));
    }

    [Fact]
    public async Task On_dynamodb_an_expiring_state_carries_the_time_to_live_attribute_of_a_table_that_has_it_on()
    {
        var prefix = DynamoDbLocal.NewTablePrefix();
        var options = DynamoDbLocal.Options(prefix);
        using var store = new DynamoDbStateStore(options, NullLogger<DynamoDbStateStore>.Instance);
        var expiresAt = DateTimeOffset.UtcNow.AddMinutes(5);
        await store.WriteAsync(new GrainKey("clientassertion", "org:jti-1"), [1], [], null, expiresAt: expiresAt);
        await store.WriteAsync(new GrainKey("contract", "ctr-1"), [2], [], null);

        using var client = DynamoDbTableSetup.CreateClient(options);
        var ttl = await client.DescribeTimeToLiveAsync(new DescribeTimeToLiveRequest { TableName = prefix + DynamoDbTables.Grains });
        Assert.Equal(DynamoDbTables.ExpiresAt, ttl.TimeToLiveDescription.AttributeName);
        var jti = await client.GetItemAsync(new GetItemRequest { TableName = prefix + DynamoDbTables.Grains, Key = new() { ["pk"] = new() { S = "clientassertion/org:jti-1" } } });
        Assert.Equal(expiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), jti.Item[DynamoDbTables.ExpiresAt].N);
        var contract = await client.GetItemAsync(new GetItemRequest { TableName = prefix + DynamoDbTables.Grains, Key = new() { ["pk"] = new() { S = "contract/ctr-1" } } });
        Assert.False(contract.Item.ContainsKey(DynamoDbTables.ExpiresAt));
    }

    [Fact]
    public async Task A_used_client_assertion_is_remembered_until_it_could_no_longer_be_accepted()
    {
        await using var silo = await TestSilo.StartAsync(_directory.Path);
        var partner = await TestPartner.RegisterAsync(silo, "publisher", activate: true); // signs in with one assertion

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, "moneta.db")};Pooling=False");
        await connection.OpenAsync();
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT expires_at FROM grains WHERE grain_type = 'clientassertion'";
        var expiresAt = DateTimeOffset.FromUnixTimeMilliseconds((long)(await query.ExecuteScalarAsync())!);

        // The assertion lives two minutes (TestPartner) and the default skew is 30 s.
        Assert.InRange(expiresAt, DateTimeOffset.UtcNow.AddMinutes(2), DateTimeOffset.UtcNow.AddMinutes(2.5).AddSeconds(30));
        Assert.NotNull(partner.AccessToken);
    }

    public void Dispose() => _directory.Dispose();
}
