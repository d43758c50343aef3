using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moneta.Runtime.Hosting;
using Moneta.Tests.Support;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace Moneta.Tests.Api;

/// <summary>
/// The production shape: three silo processes (separate OS processes, killed with SIGKILL, stopped with SIGTERM)
/// forming one Orleans cluster through the membership table in DynamoDB, on one set of DynamoDB tables, driven at the
/// same time over HTTP. The silos share nothing else but the signing key file.
/// </summary>
public sealed class DynamoDbSiloProcessTests(ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    /// <summary>
    /// Far longer than any test: a killed silo's claims must be released because membership declared it dead, not
    /// because their leases ran out.
    /// </summary>
    private const string LongLease = "00:10:00";

    private readonly TempDirectory _directory = new();
    private readonly string _tablePrefix = DynamoDbLocal.NewTablePrefix();
    private readonly List<SiloProcess> _silos = [];
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        try
        {
            // The first silo creates the tables and the cluster's version row; the others find them.
            _silos.Add(await SiloProcess.StartAsync(_directory.Path, Settings()));
            var others = Enumerable.Range(0, 2).Select(_ => SiloProcess.StartAsync(_directory.Path, Settings())).ToList();
            try
            {
                await Task.WhenAll(others);
            }
            finally
            {
                _silos.AddRange(others.Where(o => o.IsCompletedSuccessfully).Select(o => o.Result));
            }

            foreach (var silo in _silos)
                await silo.WaitForClusterAsync(3);
        }
        catch
        {
            // The silos that did start must not outlive a start that failed.
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Idempotent: a failed start disposes what it started, and xUnit may dispose again.</summary>
    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
            await silo.DisposeAsync();
        _silos.Clear();
        if (_receiver is { } receiver)
        {
            _receiver = null!;
            await receiver.DisposeAsync();
        }
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Three_silo_processes_form_one_cluster_in_dynamodb_and_each_contract_has_one_activation_under_round_robin_load()
    {
        var scenario = await ContractScenario.CreateAsync(_silos[0]);
        // An Orleans client that finds the gateways in the DynamoDB membership table sees the whole cluster.
        using var client = await ConnectClientAsync();
        var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        Assert.Equal(3, (await management.GetHosts(onlyActive: true)).Count);

        // Each contract is initiated on one silo, read on the next and signed on the third, several at once. While it
        // waits for the publisher it has exactly one activation in the cluster (once finished it leaves memory).
        var hosts = new ConcurrentBag<SiloAddress>();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 4; i++)
            {
                var (first, second, third) = (_silos[(worker + i) % 3], _silos[(worker + i + 1) % 3], _silos[(worker + i + 2) % 3]);
                var contract = await Json.ReadAsync(await first.NewClient(scenario.Mo.AccessToken).PostAsJsonAsync("/api/v1/contracts", scenario.Initiation()), HttpStatusCode.Created);
                var path = $"/api/v1/contracts/{contract["contract_id"]}";
                await Json.ReadAsync(await second.NewClient(scenario.Publisher.AccessToken).GetAsync(path), HttpStatusCode.OK);
                var id = GrainId.Create("contract", contract["contract_id"]!.GetValue<string>());
                hosts.Add(Assert.Single(await management.GetDetailedGrainStatistics(), a => a.GrainId == id).SiloAddress);
                var signature = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract));
                await Json.ReadAsync(await third.NewClient(scenario.Publisher.AccessToken).PostAsJsonAsync($"{path}/signatures", new { role = "publisher", signature }), HttpStatusCode.OK);
            }
        })));
        Assert.Equal(3, hosts.Distinct().Count());

        // One activation per contract: no write was ever refused for a stale ETag, on any silo.
        foreach (var silo in _silos)
        {
            var metrics = await (await silo.Admin.GetAsync("/metrics")).Content.ReadAsStringAsync();
            Assert.Contains("moneta_storage_dynamodb_requests_total{", metrics, StringComparison.Ordinal); // the scrape carries Moneta's storage meters
            Assert.DoesNotContain(metrics.Split('\n'), line => line.StartsWith("moneta_storage_conflicts_total", StringComparison.Ordinal) && !line.EndsWith(" 0", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Conflicting_signatures_from_three_silo_processes_have_exactly_one_winner()
    {
        var scenario = await ContractScenario.CreateAsync(_silos[0]);
        for (var round = 0; round < 3; round++)
        {
            var contract = await scenario.InitiateAsync();
            var path = $"/api/v1/contracts/{contract["contract_id"]}";
            foreach (var silo in _silos)
                await Json.ReadAsync(await silo.NewClient(scenario.Publisher.AccessToken).GetAsync(path), HttpStatusCode.OK);

            var responses = await Task.WhenAll(_silos.Select(silo => silo.NewClient(scenario.Publisher.AccessToken).PostAsJsonAsync($"{path}/signatures", new
            {
                role = "publisher",
                signature = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract)),
            })));

            // One activation took the three signatures in turn: the losers are refused by the contract's rules.
            var winner = await Json.ReadAsync(Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK), HttpStatusCode.OK);
            foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
                await Json.ProblemAsync(loser, HttpStatusCode.Conflict, "already_signed");

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
    public async Task A_silo_killed_at_load_loses_nothing_acknowledged_and_its_webhooks_are_delivered_and_it_rejoins_when_started_again()
    {
        var scenario = await ContractScenario.CreateAsync(_silos[0]);
        await _receiver.SubscribeAsync(scenario.Mo, "/mo");
        await _receiver.SubscribeAsync(scenario.Publisher, "/publisher");

        var finalized = new ConcurrentBag<string>();
        var refusals = new ConcurrentQueue<DateTime>();
        using var stop = new CancellationTokenSource();
        var writers = Writers(scenario, [0, 1, 2], finalized, refusals, stop.Token);

        await Eventually.TrueAsync(() => Task.FromResult(finalized.Count >= 20), TimeSpan.FromSeconds(90), "contracts are finalized on all silos");
        var before = finalized.ToList();
        var killedAt = DateTime.UtcNow;
        await _silos[2].KillAsync(); // mid-load: with writes, claims and webhook deliveries in flight
        await Eventually.TrueAsync(() => Task.FromResult(finalized.Count >= before.Count + 10), TimeSpan.FromSeconds(90), "the surviving silos carry on");

        // Every contract finalized before the kill answers from the survivors, including those whose activation died.
        var survivor = _silos[0].NewClient(scenario.Mo.AccessToken);
        await Eventually.TrueAsync(async () =>
        {
            var answers = await Task.WhenAll(before.Select(id => survivor.GetAsync($"/api/v1/contracts/{id}")));
            return answers.All(a => a.StatusCode == HttpStatusCode.OK);
        }, TimeSpan.FromSeconds(90), "every contract answers from the surviving silos");
        var allAnswerAfter = DateTime.UtcNow - killedAt;

        // Started again on its silo port, the killed silo rejoins (Orleans sees a newer generation) and takes load.
        _silos[2] = await _silos[2].StartAgainAsync();
        foreach (var silo in _silos)
            await silo.WaitForClusterAsync(3);
        var rejoined = finalized.Count;
        var writersAfterRestart = Writers(scenario, [2], finalized, refusals, stop.Token);
        await Eventually.TrueAsync(() => Task.FromResult(finalized.Count >= rejoined + 10), TimeSpan.FromSeconds(90), "the restarted silo takes load again");
        await stop.CancelAsync();
        await Task.WhenAll([.. writers, .. writersAfterRestart]);

        // Every acknowledged contract is finalized once: its audit trail has exactly its five steps, and it is listed once.
        foreach (var id in finalized)
        {
            var audit = await Json.ReadAsync(await survivor.GetAsync($"/api/v1/contracts/{id}/audit"), HttpStatusCode.OK);
            Assert.Equal(["created", "signed", "signed", "signed", "finalized"], audit["events"]!.AsArray().Select(e => e!["type"]!.GetValue<string>()));
            Assert.True(audit["verified"]!.GetValue<bool>());
        }

        var listed = await ListAsync(survivor, $"/api/v1/contracts?mo_id={scenario.Mo.Id}&limit=50");
        Assert.Equal(listed.Count, listed.Distinct().Count());
        Assert.Subset(listed.ToHashSet(), finalized.ToHashSet());

        // Every webhook of an acknowledged step arrives, those the killed silo had claimed included (its claims were
        // released when it was declared dead: their leases would outlast this test), and never twice as two events.
        await Eventually.TrueAsync(() => Task.FromResult(finalized.All(id => _receiver.TypesAbout("/publisher", id).Count == 2 && _receiver.TypesAbout("/mo", id).Count == 1)),
            TimeSpan.FromSeconds(90), "every webhook arrives, including those the killed silo had claimed");
        foreach (var id in finalized)
            Assert.Equal(["contract.awaiting_signature", "contract.finalized"], _receiver.TypesAbout("/publisher", id));
        _receiver.AssertAllVerifiedAndOneIdPerEvent();

        var failed = refusals.Where(t => t >= killedAt).ToList();
        output.WriteLine($"{finalized.Count} contracts finalized; {failed.Count} requests answered 503 after the kill, the last " +
            $"{(failed.Count == 0 ? "-" : $"{(failed.Max() - killedAt).TotalSeconds:0.0} s")} after it; every contract answered from the survivors {allAnswerAfter.TotalSeconds:0.0} s after it");
    }

    [Fact]
    public async Task A_silo_stopped_with_sigterm_hands_its_activations_over_without_a_failed_request()
    {
        var scenario = await ContractScenario.CreateAsync(_silos[0]);
        // Contracts initiated through every silo, so that some of their activations live on the silo that will stop.
        var contracts = new List<JsonNode>();
        for (var i = 0; i < 12; i++)
            contracts.Add(await Json.ReadAsync(await _silos[i % 3].NewClient(scenario.Mo.AccessToken).PostAsJsonAsync("/api/v1/contracts", scenario.Initiation()), HttpStatusCode.Created));

        // The load balancer has taken the stopping silo out: requests go to the other two, for every contract.
        var failures = new ConcurrentQueue<string>();
        var answered = 0;
        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(async () =>
        {
            using var http = _silos[r % 2].NewClient(scenario.Publisher.AccessToken);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var response = await http.GetAsync($"/api/v1/contracts/{contracts[(r + i) % contracts.Count]["contract_id"]}");
                if (response.StatusCode != HttpStatusCode.OK) failures.Enqueue($"GET {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                Interlocked.Increment(ref answered);
            }
        })).ToList();
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref answered) >= 50), TimeSpan.FromSeconds(60), "reads are flowing");

        var exitCode = await _silos[2].TerminateAsync(TimeSpan.FromSeconds(90));
        // Signing every contract through the survivors while and after the silo left: each lands once.
        for (var i = 0; i < contracts.Count; i++)
        {
            var signature = scenario.Publisher.Sign(contracts[i], "publisher", ContractScenario.MonetaSignature(contracts[i]));
            var signed = await _silos[i % 2].NewClient(scenario.Publisher.AccessToken).PostAsJsonAsync($"/api/v1/contracts/{contracts[i]["contract_id"]}/signatures", new { role = "publisher", signature });
            if (signed.StatusCode != HttpStatusCode.OK) failures.Enqueue($"sign {(int)signed.StatusCode}: {await signed.Content.ReadAsStringAsync()}");
        }

        var afterStop = Volatile.Read(ref answered);
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref answered) >= afterStop + 50), TimeSpan.FromSeconds(60), "reads go on after the silo left");
        await stop.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Equal(0, exitCode);
        Assert.Empty(failures);
        await _silos[0].WaitForClusterAsync(2);
        output.WriteLine($"{answered} reads and {contracts.Count} signatures through the two other silos while one stopped, none failed");
    }

    /// <summary>
    /// Writers that each create a contract on one silo and have it signed on the next, until stopped. A 503 (the
    /// cluster is moving a dead silo's grains) is recorded and the same request sent again, as a partner would.
    /// A writer whose silo is killed stops.
    /// </summary>
    private List<Task> Writers(ContractScenario scenario, int[] creators, ConcurrentBag<string> finalized, ConcurrentQueue<DateTime> refusals, CancellationToken stop) =>
        [.. creators.SelectMany(c => new[] { c, c }).Select((c, w) => Task.Run(async () =>
        {
            var (creator, signer) = (_silos[c], _silos[(c + 1 + (w % 2)) % 3]);
            using var mo = creator.NewClient(scenario.Mo.AccessToken);
            using var publisher = signer.NewClient(scenario.Publisher.AccessToken);
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var initiation = scenario.Initiation();
                    var created = await RetriedAsync(() => mo.PostAsJsonAsync("/api/v1/contracts", initiation), refusals);
                    var contract = await Json.ReadAsync(created, created.StatusCode == HttpStatusCode.OK ? HttpStatusCode.OK : HttpStatusCode.Created);
                    var signature = scenario.Publisher.Sign(contract, "publisher", ContractScenario.MonetaSignature(contract));
                    var signed = await RetriedAsync(() => publisher.PostAsJsonAsync($"/api/v1/contracts/{contract["contract_id"]}/signatures", new { role = "publisher", signature }), refusals);
                    await Json.ReadAsync(signed, HttpStatusCode.OK);
                    finalized.Add(contract["contract_id"]!.GetValue<string>());
                }
                catch (HttpRequestException) when (stop.IsCancellationRequested || creator.HasExited || signer.HasExited)
                {
                    return; // this writer's silo was killed; the others carry on
                }
            }
        }, CancellationToken.None))];

    private static async Task<HttpResponseMessage> RetriedAsync(Func<Task<HttpResponseMessage>> send, ConcurrentQueue<DateTime> refusals)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            var response = await send();
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > deadline) return response;
            refusals.Enqueue(DateTime.UtcNow);
            response.Dispose();
            await Task.Delay(100);
        }
    }

    private async Task<IHost> ConnectClientAsync()
    {
        var host = new HostBuilder()
            .UseOrleansClient(client =>
            {
                client.UseDynamoDbClustering(DynamoDbLocal.Options(_tablePrefix));
                client.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = ("moneta-dev", "moneta"));
            })
            .Build();
        var started = Stopwatch.StartNew();
        await host.StartAsync();
        output.WriteLine($"Orleans client connected through the DynamoDB gateway list in {started.Elapsed.TotalSeconds:0.0} s");
        return host;
    }

    private string[] Settings() =>
    [
        .. DynamoDbLocal.SiloSettings(_tablePrefix),
        "Moneta:Cluster:Membership=DynamoDB",
        $"Moneta:Cluster:GatewayPort={FreePort.Next()}", // Orleans clients (the test's) connect through it
        $"Moneta:Runtime:MessageLease={LongLease}",
        "Moneta:Runtime:MessagePollInterval=00:00:00.2",
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
