using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>
/// Three co-hosted silos, each with its own HTTP endpoint, joined into one Orleans cluster through the membership
/// table and sharing one store: whichever silo a request arrives at, a grain has one activation in the cluster, so
/// its turns, not storage conflicts, decide races.
/// </summary>
public abstract class ClusterTests : IAsyncLifetime
{
    private SiloCluster _cluster = null!;

    /// <summary>The store the three silos share: null for the default (one SQLite file).</summary>
    protected abstract IDictionary<string, string?>? Settings { get; }

    public async Task InitializeAsync() => _cluster = await SiloCluster.StartAsync(silos: 3, Settings);

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Conflicting_signatures_on_different_silos_have_exactly_one_winner()
    {
        var scenario = await ContractScenario.CreateAsync(_cluster.First);
        for (var round = 0; round < 5; round++)
        {
            var contract = await scenario.InitiateAsync();
            // Touch the contract on every silo first so each holds an activation that is about to go stale.
            foreach (var silo in _cluster.Silos)
                await Json.ReadAsync(await ClientOf(silo, scenario.Publisher).GetAsync($"/api/v1/contracts/{contract["contract_id"]}"), HttpStatusCode.OK);

            // ECDSA signatures are randomized: three different, individually valid publisher signatures.
            var attempts = _cluster.Silos.Select(silo => (Silo: silo, Signature: scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract)))).ToList();
            var responses = await Task.WhenAll(attempts.Select(a => ClientOf(a.Silo, scenario.Publisher)
                .PostAsJsonAsync($"/api/v1/contracts/{contract["contract_id"]}/signatures", new { role = "publisher", signature = a.Signature })));

            var winners = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
            Assert.Single(winners);
            // One activation took the three signatures in turn: the losers are refused by the contract's rules.
            foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
                await Json.ProblemAsync(loser, HttpStatusCode.Conflict, "already_signed");

            var winner = await Json.ReadAsync(winners[0], HttpStatusCode.OK);
            foreach (var silo in _cluster.Silos)
            {
                var seen = await Json.ReadAsync(await ClientOf(silo, scenario.Publisher).GetAsync($"/api/v1/contracts/{contract["contract_id"]}"), HttpStatusCode.OK);
                Assert.Equal("finalized", seen["status"]!.GetValue<string>());
                Assert.Equal(winner["signatures_map"]!["publisher"]!["signature"]!.GetValue<string>(), seen["signatures_map"]!["publisher"]!["signature"]!.GetValue<string>());
                var audit = await Json.ReadAsync(await ClientOf(silo, scenario.Publisher).GetAsync($"/api/v1/contracts/{contract["contract_id"]}/audit"), HttpStatusCode.OK);
                Assert.Equal(5, audit["events"]!.AsArray().Count);
                Assert.True(audit["verified"]!.GetValue<bool>());
            }
        }
    }

    [Fact]
    public async Task A_mic_claimed_on_several_silos_at_once_goes_to_exactly_one_mo()
    {
        var mic = "RACE" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        using var key = Moneta.Crypto.SigningKey.Generate();
        var responses = await Task.WhenAll(_cluster.Silos.SelectMany(silo => Enumerable.Range(0, 3).Select(i =>
            silo.Admin.PostAsJsonAsync("/api/v1/organizations/mo", new JsonObject
            {
                ["name"] = $"Racer {i}",
                ["mic"] = mic,
                ["keys"] = new JsonArray(key.PublicKey.ToPublicJwk()),
            }))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
            await Json.ProblemAsync(refused, HttpStatusCode.Conflict, "mic_taken");
    }

    [Fact]
    public async Task Contracts_created_on_any_silo_are_seen_and_signed_on_every_other()
    {
        var scenario = await ContractScenario.CreateAsync(_cluster.First);
        var contracts = new List<JsonNode>();
        for (var i = 0; i < 9; i++)
        {
            var silo = _cluster.Silos[i % 3];
            contracts.Add(await Json.ReadAsync(await ClientOf(silo, scenario.Mo).PostAsJsonAsync("/api/v1/contracts", scenario.Initiation()), HttpStatusCode.Created));
        }

        for (var i = 0; i < contracts.Count; i++)
        {
            var signer = ClientOf(_cluster.Silos[(i + 1) % 3], scenario.Publisher);
            // The suspended publisher's access token stops working on every silo at once (it is refused before the grain).
            var body = new { role = "publisher", signature = scenario.Publisher.Sign(contracts[i], "publisher", ContractScenario.MonetaSignature(contracts[i])) };
            var finalized = await Json.ReadAsync(await signer.PostAsJsonAsync($"/api/v1/contracts/{contracts[i]["contract_id"]}/signatures", body), HttpStatusCode.OK);
            Assert.Equal("finalized", finalized["status"]!.GetValue<string>());
        }

        var listed = await Json.ReadAsync(await ClientOf(_cluster.Silos[2], scenario.Mo).GetAsync($"/api/v1/contracts?mo_id={scenario.Mo.Id}"), HttpStatusCode.OK);
        Assert.Equal(9, listed["items"]!.AsArray().Count);
        Assert.All(listed["items"]!.AsArray(), c => Assert.Equal("finalized", c!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_suspension_on_one_silo_stops_signing_on_another()
    {
        var scenario = await ContractScenario.CreateAsync(_cluster.First);
        var contract = await scenario.InitiateAsync();
        await Json.ReadAsync(await ClientOf(_cluster.Silos[1], scenario.Publisher).GetAsync($"/api/v1/contracts/{contract["contract_id"]}"), HttpStatusCode.OK);

        await Json.ReadAsync(await _cluster.Silos[2].Admin.PutAsJsonAsync($"/api/v1/organizations/publisher/{scenario.Publisher.Id}/status", new { status = "suspended" }), HttpStatusCode.OK);

        // The suspended publisher's access token stops working on every silo at once (it is refused before the grain).
        var body = new { role = "publisher", signature = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract)) };
        await Json.ProblemAsync(await ClientOf(_cluster.Silos[1], scenario.Publisher).PostAsJsonAsync($"/api/v1/contracts/{contract["contract_id"]}/signatures", body), HttpStatusCode.Forbidden, "organization_not_active");
    }

    [Fact]
    public async Task Calls_to_one_contract_through_every_silo_reach_one_activation_without_a_storage_conflict()
    {
        var scenario = await ContractScenario.CreateAsync(_cluster.First);
        var management = _cluster.First.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        for (var i = 0; i < 6; i++)
        {
            var contract = await Json.ReadAsync(await ClientOf(_cluster.Silos[i % 3], scenario.Mo).PostAsJsonAsync("/api/v1/contracts", scenario.Initiation()), HttpStatusCode.Created);
            var id = contract["contract_id"]!.GetValue<string>();
            // Read through every silo, concurrently: the pending contract still has one activation in the cluster.
            await Task.WhenAll(_cluster.Silos.SelectMany(silo => Enumerable.Range(0, 3).Select(async _ =>
                await Json.ReadAsync(await ClientOf(silo, scenario.Publisher).GetAsync($"/api/v1/contracts/{id}"), HttpStatusCode.OK))));
            Assert.Single(await management.GetDetailedGrainStatistics(), a => a.GrainId == GrainId.Create("contract", id));

            // Then sign through yet another silo (the finished contract leaves memory after it) and read it back everywhere.
            var body = new { role = "publisher", signature = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract)) };
            await Json.ReadAsync(await ClientOf(_cluster.Silos[(i + 1) % 3], scenario.Publisher).PostAsJsonAsync($"/api/v1/contracts/{id}/signatures", body), HttpStatusCode.OK);
            await Task.WhenAll(_cluster.Silos.Select(async silo =>
                Assert.Equal("finalized", (await Json.ReadAsync(await ClientOf(silo, scenario.Mo).GetAsync($"/api/v1/contracts/{id}"), HttpStatusCode.OK))["status"]!.GetValue<string>())));
        }

        Assert.All(_cluster.Silos, silo => Assert.Equal(0, silo.Services.GetRequiredService<MonetaGrainStorage>().StaleWrites));
    }

    private static HttpClient ClientOf(TestSilo silo, TestPartner partner) => silo.NewClient(partner.AccessToken);
}

public sealed class SqliteClusterTests : ClusterTests
{
    protected override IDictionary<string, string?>? Settings => null;
}

public sealed class DynamoDbClusterTests : ClusterTests
{
    protected override IDictionary<string, string?> Settings { get; } = DynamoDbLocal.SiloConfiguration(DynamoDbLocal.NewTablePrefix());
}
