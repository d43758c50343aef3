using System.Net;
using System.Net.Http.Json;
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
}
