using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>
/// A misconfiguration Orleans cannot see: two single-silo clusters (Moneta:Cluster:Membership=Localhost) on one
/// SQLite file, so one contract has two activations. The ETag-conditioned write is then the last line of defence:
/// the stale writer is refused with a clean 409, nothing is lost, and its next request starts from the stored state.
/// </summary>
public sealed class SplitClusterTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();
    private TestSilo _first = null!;
    private TestSilo _second = null!;

    public async Task InitializeAsync()
    {
        _first = await TestSilo.StartAsync(_directory.Path);
        _second = await TestSilo.StartAsync(_directory.Path);
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task A_write_from_a_stale_activation_is_refused_as_a_409_and_nothing_is_lost()
    {
        var scenario = await ContractScenario.CreateAsync(_first);
        var contract = await scenario.InitiateAsync(); // the first cluster's activation holds the pending contract

        using var publisher = _second.NewClient(scenario.Publisher.AccessToken);
        var body = new { role = "publisher", signature = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract)) };
        await Json.ReadAsync(await publisher.PostAsJsonAsync($"/api/v1/contracts/{contract["contract_id"]}/signatures", body), HttpStatusCode.OK);

        // The first cluster still believes the contract is pending: its void is written against a stale ETag.
        using var mo = _first.NewClient(scenario.Mo.AccessToken);
        await Json.ProblemAsync(await mo.PostAsync($"/api/v1/contracts/{contract["contract_id"]}/void", null), HttpStatusCode.Conflict, "concurrent_modification");
        Assert.Equal(1, _first.Services.GetRequiredService<MonetaGrainStorage>().StaleWrites);

        // Orleans dropped the stale activation: the retry reads the finalized contract and is refused by its rules.
        await Json.ProblemAsync(await mo.PostAsync($"/api/v1/contracts/{contract["contract_id"]}/void", null), HttpStatusCode.Conflict, "contract_closed");
        var seen = await Json.ReadAsync(await mo.GetAsync($"/api/v1/contracts/{contract["contract_id"]}"), HttpStatusCode.OK);
        Assert.Equal("finalized", seen["status"]!.GetValue<string>());
    }
}
