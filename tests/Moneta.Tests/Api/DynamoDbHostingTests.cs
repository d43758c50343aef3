using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>How a silo on DynamoDB starts: tables created when it may, checked when it may not.</summary>
public sealed class DynamoDbHostingTests
{
    [Fact]
    public async Task A_silo_that_may_not_create_tables_refuses_to_start_without_them_and_says_which()
    {
        using var directory = new TempDirectory();
        var prefix = DynamoDbLocal.NewTablePrefix();
        var settings = DynamoDbLocal.SiloConfiguration(prefix);
        settings["Moneta:Storage:DynamoDB:CreateTables"] = "false";

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => TestSilo.StartAsync(directory.Path, settings));
        Assert.Contains($"{prefix}grains does not exist", refused.Message);

        // Once the tables exist (here made by a silo that may create them), the same configuration starts.
        await using (await TestSilo.StartAsync(directory.Path, DynamoDbLocal.SiloConfiguration(prefix)))
        {
        }

        await using var silo = await TestSilo.StartAsync(directory.Path, settings);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await silo.Anonymous.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_silo_with_dynamodb_membership_needs_the_membership_table_and_joins_through_it()
    {
        using var directory = new TempDirectory();
        var prefix = DynamoDbLocal.NewTablePrefix();
        var settings = DynamoDbLocal.SiloConfiguration(prefix);
        settings["Moneta:Cluster:Membership"] = "DynamoDB";
        settings["Moneta:Storage:DynamoDB:CreateTables"] = "false";
        using (var storage = DynamoDbLocal.CreateStorage(prefix))
            await storage.EnsureTablesAsync(); // the grain storage's tables exist, the membership table does not

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => TestSilo.StartAsync(directory.Path, settings));
        Assert.Contains($"{prefix}membership does not exist", Messages(refused));

        settings["Moneta:Storage:DynamoDB:CreateTables"] = "true";
        await using var silo = await TestSilo.StartAsync(directory.Path, settings);
        var cluster = await Json.ReadAsync(await silo.Admin.GetAsync("/api/v1/admin/cluster"), System.Net.HttpStatusCode.OK);
        Assert.Equal("active", Assert.Single(cluster["silos"]!.AsArray())!["status"]!.GetValue<string>());
    }

    private static string Messages(Exception? e)
    {
        var messages = new List<string>();
        for (; e is not null; e = e.InnerException)
            messages.Add(e.Message);
        return string.Join(" <- ", messages);
    }
}
