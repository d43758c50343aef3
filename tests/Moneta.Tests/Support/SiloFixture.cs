namespace Moneta.Tests.Support;

/// <summary>One silo shared by the tests of a class; each test makes its own partners, so tests stay independent.</summary>
public class SiloFixture : IAsyncLifetime
{
    private SiloCluster? _cluster;

    public TestSilo Silo => _cluster!.First;

    public string DataDirectory => _cluster!.Directory.Path;

    /// <summary>Configuration on top of the test defaults (SQLite in the fixture's directory).</summary>
    protected virtual IDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync() => _cluster = await SiloCluster.StartAsync(settings: Settings);

    public async Task DisposeAsync() => await _cluster!.DisposeAsync();
}

/// <summary>The same silo on DynamoDB Local, on tables of its own.</summary>
public sealed class DynamoDbSiloFixture : SiloFixture
{
    protected override IDictionary<string, string?> Settings { get; } = DynamoDbLocal.SiloConfiguration(DynamoDbLocal.NewTablePrefix());
}
