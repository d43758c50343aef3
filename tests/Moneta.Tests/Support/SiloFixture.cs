namespace Moneta.Tests.Support;

/// <summary>One silo shared by the tests of a class; each test makes its own partners, so tests stay independent.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private TestCluster? _cluster;

    public TestSilo Silo => _cluster!.First;

    public string DataDirectory => _cluster!.Directory.Path;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await _cluster!.DisposeAsync();
}
