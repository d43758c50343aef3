using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>
/// The production shape: several silo processes (separate OS processes, killed with SIGKILL) forming one Orleans
/// cluster on one set of DynamoDB tables, driven at the same time. Membership is in the SQLite file of the shared
/// data folder until DynamoDB membership exists; the silos share nothing else but the signing key file.
/// </summary>
public sealed class DynamoDbSiloProcessTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly List<SiloProcess> _silos = [];
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var prefix = DynamoDbLocal.NewTablePrefix();
        // The first silo creates the tables; the others find them.
        _silos.Add(await SiloProcess.StartAsync(_directory.Path, Settings(prefix)));
        _silos.AddRange(await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => SiloProcess.StartAsync(_directory.Path, Settings(prefix)))));
        foreach (var silo in _silos)
            await silo.WaitForClusterAsync(3);
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
            await silo.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Conflicting_signatures_from_three_silo_processes_have_exactly_one_winner()
    {
        var scenario = await ContractScenario.CreateAsync(_silos[0]);
        for (var round = 0; round < 3; round++)
        {
            var contract = await scenario.InitiateAsync();
            var path = $"/api/v1/contracts/{contract["contract_id"]}";
            // Every silo holds an activation of the contract, about to go stale when another silo signs.
            foreach (var silo in _silos)
                await Json.ReadAsync(await silo.NewClient(scenario.Publisher.AccessToken).GetAsync(path), HttpStatusCode.OK);

            var responses = await Task.WhenAll(_silos.Select(silo => silo.NewClient(scenario.Publisher.AccessToken).PostAsJsonAsync($"{path}/signatures", new
            {
                role = "publisher",
                signature = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract)),
            })));

            var winner = await Json.ReadAsync(Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK), HttpStatusCode.OK);
            foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
            {
                var problem = await Json.ReadAsync(loser, HttpStatusCode.Conflict);
                Assert.Contains(problem["code"]!.GetValue<string>(), new[] { "already_signed", "concurrent_modification" });
            }

            foreach (var silo in _silos)
            {
                var seen = await Json.ReadAsync(await silo.NewClient(scenario.Publisher.AccessToken).GetAsync(path), HttpStatusCode.OK);
                Assert.Equal("finalized", seen["status"]!.GetValue<string>());
                Assert.Equal(winner["signatures_map"]!["publisher"]!["signature"]!.GetValue<string>(), seen["signatures_map"]!["publisher"]!["signature"]!.GetValue<string>());
                var audit = await Json.ReadAsync(await silo.NewClient(scenario.Publisher.AccessToken).GetAsync($"{path}/audit"), HttpStatusCode.OK);
                Assert.Equal(5, audit["events"]!.AsArray().Count);
                Assert.True(audit["verified"]!.GetValue<bool>());
            }
        }
    }

    [Fact]
    public async Task Mic_claims_raced_on_three_silo_processes_each_go_to_exactly_one_mo()
    {
        using var key = Moneta.Crypto.SigningKey.Generate();
        var mics = Enumerable.Range(0, 3).Select(_ => "DDB" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()).ToList();
        var responses = await Task.WhenAll(mics.SelectMany(mic => _silos.SelectMany(silo => Enumerable.Range(0, 2).Select(async i =>
            (Mic: mic, Response: await silo.Admin.PostAsJsonAsync("/api/v1/organizations/mo", new JsonObject
            {
                ["name"] = $"Racer {i}",
                ["mic"] = mic,
                ["keys"] = new JsonArray(key.PublicKey.ToPublicJwk()),
            }))))));

        foreach (var mic in mics)
        {
            var claims = responses.Where(r => r.Mic == mic).Select(r => r.Response).ToList();
            Assert.Single(claims, r => r.StatusCode == HttpStatusCode.Created);
            foreach (var refused in claims.Where(r => r.StatusCode != HttpStatusCode.Created))
                await Json.ProblemAsync(refused, HttpStatusCode.Conflict, "mic_taken");
        }
    }

    [Fact]
    public async Task Contracts_and_webhooks_spread_over_silo_processes_are_all_delivered_once_even_when_one_is_killed()
    {
        var scenario = await ContractScenario.CreateAsync(_silos[0]);
        await _receiver.SubscribeAsync(scenario.Mo, "/mo");
        await _receiver.SubscribeAsync(scenario.Publisher, "/publisher");

        var finalized = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        // Six writers, two per silo: each creates a contract on one silo and has it signed on the next.
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var (creator, signer) = (_silos[w % 3], _silos[(w + 1) % 3]);
            using var mo = creator.NewClient(scenario.Mo.AccessToken);
            using var publisher = signer.NewClient(scenario.Publisher.AccessToken);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    // While the cluster moves the killed silo's grains, a request may be answered 503: the client
                    // sends the same request again, as a partner would.
                    var initiation = scenario.Initiation();
                    var created = await Unavailable.RetriedAsync(() => mo.PostAsJsonAsync("/api/v1/contracts", initiation));
                    var contract = await Json.ReadAsync(created, created.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.Created);
                    var signature = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract));
                    var signed = await Unavailable.RetriedAsync(() => publisher.PostAsJsonAsync($"/api/v1/contracts/{contract["contract_id"]}/signatures", new { role = "publisher", signature }));
                    await Json.ReadAsync(signed, HttpStatusCode.OK);
                    finalized.Add(contract["contract_id"]!.GetValue<string>());
                }
                catch (HttpRequestException) when (stop.IsCancellationRequested || w % 3 == 2 || (w + 1) % 3 == 2)
                {
                    // A writer using the killed silo stops; the others carry on.
                    return;
                }
            }
        })).ToList();

        await Eventually.TrueAsync(() => Task.FromResult(finalized.Count >= 20), TimeSpan.FromSeconds(90), "contracts are finalized on all silos");
        await _silos[2].KillAsync(); // mid-load: with writes, claims and webhook deliveries in flight
        var beforeKill = finalized.Count;
        await Eventually.TrueAsync(() => Task.FromResult(finalized.Count >= beforeKill + 10), TimeSpan.FromSeconds(90), "the surviving silos carry on");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        // Every acknowledged contract is finalized, listed once, and announced to both parties, in order.
        var survivor = _silos[0].NewClient(scenario.Mo.AccessToken);
        foreach (var id in finalized)
            Assert.Equal("finalized", (await Json.ReadAsync(await survivor.GetAsync($"/api/v1/contracts/{id}"), HttpStatusCode.OK))["status"]!.GetValue<string>());
        var listed = await ListAsync(survivor, $"/api/v1/contracts?mo_id={scenario.Mo.Id}&limit=7");
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Subset(listed.ToHashSet(), finalized.ToHashSet());

        await Eventually.TrueAsync(() => Task.FromResult(finalized.All(id => _receiver.TypesAbout("/publisher", id).Count == 2 && _receiver.TypesAbout("/mo", id).Count == 1)),
            TimeSpan.FromSeconds(90), "every webhook arrives, including those the killed silo had claimed");
        foreach (var id in finalized)
            Assert.Equal(["contract.awaiting_signature", "contract.finalized"], _receiver.TypesAbout("/publisher", id));
        _receiver.AssertAllVerifiedAndOneIdPerEvent(); // at least once on the wire, never two webhooks for one event
    }

    private static string[] Settings(string tablePrefix) =>
    [
        .. DynamoDbLocal.SiloSettings(tablePrefix),
        "Moneta:Runtime:MessageLease=00:00:02", // a dead silo's claims pass on within seconds
        "Moneta:Runtime:MessagePollInterval=00:00:00.1",
    ];

    private static async Task<List<string>> ListAsync(HttpClient client, string path)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Json.ReadAsync(await client.GetAsync(cursor is null ? path : $"{path}&cursor={Uri.EscapeDataString(cursor)}"), HttpStatusCode.OK);
            ids.AddRange(page["items"]!.AsArray().Select(c => c!["contract_id"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return ids;
    }
}
