using System.Net;
using System.Net.Http.Json;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Microsoft.Data.Sqlite;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>A store that cannot take a write is the service's problem, not the client's: 503, then success on retry.</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task A_write_blocked_by_a_locked_database_answers_503_with_retry_after_and_succeeds_when_retried()
    {
        using var directory = new TempDirectory();
        await using var silo = await TestSilo.StartAsync(directory.Path, new Dictionary<string, string?> { ["Moneta:Storage:Sqlite:BusyTimeout"] = "00:00:01" });
        using var key = SigningKey.Generate();
        var registration = new { name = "Daily News", keys = new[] { key.PublicKey.ToPublicJwk() } };

        using (var other = new SqliteConnection($"Data Source={Path.Combine(directory.Path, "moneta.db")};Pooling=False"))
        {
            other.Open();
            using var hold = other.CreateCommand();
            hold.CommandText = "BEGIN EXCLUSIVE;"; // another process holding the write lock
            hold.ExecuteNonQuery();

            var refused = await silo.Admin.PostAsJsonAsync("/api/v1/organizations/publisher", registration);

            await Json.ProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "unavailable");
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            hold.CommandText = "ROLLBACK;";
            hold.ExecuteNonQuery();
        }

        await Json.ReadAsync(await silo.Admin.PostAsJsonAsync("/api/v1/organizations/publisher", registration), HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_unreachable_dynamodb_answers_503_with_retry_after_and_the_request_succeeds_once_it_is_back()
    {
        using var directory = new TempDirectory();
        await using var relay = TcpRelay.Start(new Uri(DynamoDbLocal.Url));
        var settings = DynamoDbLocal.SiloConfiguration(DynamoDbLocal.NewTablePrefix());
        settings["Moneta:Storage:DynamoDB:ServiceUrl"] = relay.Url;
        await using var silo = await TestSilo.StartAsync(directory.Path, settings);
        using var key = SigningKey.Generate();
        var registration = new { name = "Daily News", keys = new[] { key.PublicKey.ToPublicJwk() } };

        relay.Cut();
        var refused = await silo.Admin.PostAsJsonAsync("/api/v1/organizations/publisher", registration);

        await Json.ProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "unavailable");
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
        relay.Restore();
        await Json.ReadAsync(await silo.Admin.PostAsJsonAsync("/api/v1/organizations/publisher", registration), HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_cluster_on_dynamodb_membership_that_loses_dynamodb_answers_503_stays_together_and_recovers_when_it_returns()
    {
        using var directory = new TempDirectory();
        await using var relay = TcpRelay.Start(new Uri(DynamoDbLocal.Url));
        var settings = DynamoDbLocal.SiloConfiguration(DynamoDbLocal.NewTablePrefix());
        settings["Moneta:Storage:DynamoDB:ServiceUrl"] = relay.Url; // storage and membership alike
        settings["Moneta:Cluster:Membership"] = "DynamoDB";
        foreach (var (name, value) in SiloCluster.FastFailureDetection) settings[name] = value;
        await using var first = await TestSilo.StartAsync(directory.Path, settings);
        await using var second = await TestSilo.StartAsync(directory.Path, settings);
        var members = await ActiveSilosAsync(first, 2);
        using var key = SigningKey.Generate();
        var registration = new { name = "Daily News", keys = new[] { key.PublicKey.ToPublicJwk() } };

        relay.Cut();
        foreach (var silo in new[] { first, second })
            await Json.ProblemAsync(await silo.Admin.PostAsJsonAsync("/api/v1/organizations/publisher", registration), HttpStatusCode.ServiceUnavailable, "unavailable");
        var view = await first.Admin.GetAsync("/api/v1/admin/cluster");
        Assert.True(view.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"the cluster view answers {(int)view.StatusCode}");
        relay.Restore();

        // The silos probe each other directly, so nobody was declared dead while the table was out of reach: the same
        // two silos are active, and both take writes again.
        foreach (var silo in new[] { first, second })
            await Json.ReadAsync(await Unavailable.RetriedAsync(() => silo.Admin.PostAsJsonAsync("/api/v1/organizations/publisher", registration)), HttpStatusCode.Created);
        Assert.Equal(members, await ActiveSilosAsync(second, 2));
    }

    [Fact]
    public void DynamoDB_throttling_and_server_errors_count_as_unavailable_and_a_lost_condition_does_not()
    {
        using var storage = DynamoDbLocal.CreateStorage();

        Assert.True(storage.IsUnavailable(new ProvisionedThroughputExceededException("throttled")));
        Assert.True(storage.IsUnavailable(new RequestLimitExceededException("account limit")));
        Assert.True(storage.IsUnavailable(new InternalServerErrorException("engine")));
        Assert.True(storage.IsUnavailable(new AmazonServiceException("timeout", new HttpRequestException("connection refused"))));
        Assert.False(storage.IsUnavailable(new ConditionalCheckFailedException("etag")));
        Assert.False(storage.IsUnavailable(new ResourceNotFoundException("no table")));
    }

    private static async Task<List<string>> ActiveSilosAsync(TestSilo silo, int count)
    {
        List<string> active = [];
        await Eventually.TrueAsync(async () =>
        {
            var cluster = await Json.ReadAsync(await silo.Admin.GetAsync("/api/v1/admin/cluster"), HttpStatusCode.OK);
            active = [.. cluster["silos"]!.AsArray().Where(s => s!["status"]!.GetValue<string>() == "active").Select(s => s!["address"]!.GetValue<string>()).Order()];
            return active.Count == count;
        }, TimeSpan.FromSeconds(60), $"{count} silos are active");
        return active;
    }
}
