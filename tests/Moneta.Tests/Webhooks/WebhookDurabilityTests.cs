using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moneta.Tests.Api;
using Moneta.Tests.Support;

namespace Moneta.Tests.Webhooks;

/// <summary>Webhooks across crashes: silo processes killed with SIGKILL and started again on the same data.</summary>
public sealed class WebhookDurabilityTests
{
    /// <summary>
    /// Quick retries (an immediate attempt, then twenty more a second apart, so nothing dies while a test holds its
    /// receiver down), a short lease (so a dead silo's claims pass on within seconds) and a fast poll.
    /// </summary>
    private static readonly string[] Settings =
    [
        "Moneta:Runtime:MessageLease=00:00:02",
        "Moneta:Runtime:MessagePollInterval=00:00:00.1",
        .. Enumerable.Range(0, 21).Select(i => $"Moneta:Webhooks:RetrySchedule:{i}=00:00:0{(i == 0 ? 0 : 1)}"),
    ];

    [Fact]
    public async Task Webhooks_of_steps_stored_before_a_kill_are_delivered_after_the_restart()
    {
        using var directory = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        ContractScenario scenario;
        var finalized = new List<string>();
        SiloProcess killed;
        await using (var silo = killed = await SiloProcess.StartAsync(directory.Path, Settings))
        {
            scenario = await ContractScenario.CreateAsync(silo);
            await receiver.SubscribeAsync(scenario.Mo, "/mo");
            await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
            await receiver.StopAsync(); // nothing can be delivered before the kill

            for (var i = 0; i < 5; i++)
            {
                var contract = await scenario.InitiateAsync();
                await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);
                finalized.Add(contract["contract_id"]!.GetValue<string>());
            }

            await silo.KillAsync();
        }

        await receiver.StartAgainAsync();
        await using var restarted = await killed.StartAgainAsync();
        await Eventually.TrueAsync(() => Task.FromResult(finalized.All(id => receiver.TypesAbout("/publisher", id).Count == 2 && receiver.TypesAbout("/mo", id).Count == 1)),
            TimeSpan.FromSeconds(60), "every webhook arrives after the restart");

        foreach (var id in finalized)
            Assert.Equal(["contract.awaiting_signature", "contract.finalized"], receiver.TypesAbout("/publisher", id));
        receiver.AssertAllVerifiedAndOneIdPerEvent();
    }

    [Fact]
    public async Task No_webhook_of_an_acknowledged_step_is_lost_when_the_silo_is_killed_under_load()
    {
        using var directory = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        var finalized = new ConcurrentBag<string>();
        SiloProcess killed;
        await using (var silo = killed = await SiloProcess.StartAsync(directory.Path, Settings))
        {
            var scenario = await ContractScenario.CreateAsync(silo);
            await receiver.SubscribeAsync(scenario.Mo, "/mo");
            await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 6).Select(_ => Task.Run(async () =>
            {
                try
                {
                    while (!stop.IsCancellationRequested)
                    {
                        var created = await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", scenario.Initiation());
                        if (created.StatusCode != HttpStatusCode.Created) continue;
                        var contract = await Json.ReadAsync(created, HttpStatusCode.Created);
                        if ((await scenario.PublisherSignsAsync(contract)).StatusCode == HttpStatusCode.OK)
                            finalized.Add(contract["contract_id"]!.GetValue<string>());
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // the silo is gone
                }
            })).ToList();

            await Eventually.TrueAsync(() => Task.FromResult(finalized.Count >= 30), TimeSpan.FromSeconds(60), "contracts are finalized under load");
            await silo.KillAsync(); // with steps, outbox messages and webhooks in flight
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        await using var restarted = await killed.StartAgainAsync();
        await Eventually.TrueAsync(() => Task.FromResult(finalized.All(id => receiver.TypesAbout("/mo", id).Contains("contract.finalized") && receiver.TypesAbout("/publisher", id).Contains("contract.finalized"))),
            TimeSpan.FromSeconds(60), "every acknowledged finalization is announced to both parties");
        receiver.AssertAllVerifiedAndOneIdPerEvent();
    }

    [Fact]
    public async Task When_one_of_two_silos_dies_the_other_delivers_what_the_dead_one_had_claimed()
    {
        using var directory = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var survivor = await SiloProcess.StartAsync(directory.Path, Settings);
        var finalized = new List<string>();
        await using (var doomed = await SiloProcess.StartAsync(directory.Path, Settings))
        {
            var scenario = await ContractScenario.CreateAsync(doomed);
            await receiver.SubscribeAsync(scenario.Mo, "/mo");
            await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
            receiver.Answer = _ => 503; // both silos claim and retry; nothing is delivered yet

            for (var i = 0; i < 5; i++)
            {
                var contract = await scenario.InitiateAsync();
                await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);
                finalized.Add(contract["contract_id"]!.GetValue<string>());
            }

            await Eventually.TrueAsync(() => Task.FromResult(receiver.Received.Count >= 10), because: "the webhooks are being retried");
            await doomed.KillAsync();
        }

        receiver.Answer = _ => 200;
        await Eventually.TrueAsync(() => Task.FromResult(finalized.All(id => receiver.TypesAbout("/publisher", id).Count == 2 && receiver.TypesAbout("/mo", id).Count == 1)),
            TimeSpan.FromSeconds(60), "the surviving silo delivers every webhook");
        foreach (var id in finalized)
            Assert.Equal(["contract.awaiting_signature", "contract.finalized"], receiver.TypesAbout("/publisher", id));
        receiver.AssertAllVerifiedAndOneIdPerEvent();
        Assert.Equal(HttpStatusCode.OK, (await survivor.Anonymous.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task A_contract_whose_deadline_passes_while_no_silo_runs_expires_when_one_starts()
    {
        using var directory = new TempDirectory();
        await using var receiver = await WebhookReceiver.StartAsync();
        ContractScenario scenario;
        JsonNode contract;
        SiloProcess killed;
        await using (var silo = killed = await SiloProcess.StartAsync(directory.Path, Settings))
        {
            scenario = await ContractScenario.CreateAsync(silo);
            await receiver.SubscribeAsync(scenario.Mo, "/mo");
            await receiver.SubscribeAsync(scenario.Publisher, "/publisher");
            var template = ContractFlowTests.TemplateYaml("three-second-deadline", 1, "description", signingDeadline: "PT3S");
            await Json.ReadAsync(await silo.Admin.PostAsJsonAsync("/api/v1/templates/three-second-deadline/versions", new { yaml = template }), HttpStatusCode.Created);

            contract = await scenario.InitiateAsync(scenario.Initiation(templateId: "three-second-deadline"));
            await Eventually.TrueAsync(() => Task.FromResult(receiver.Accepted.Count == 1), because: "the publisher hears it must sign");
            await silo.KillAsync();
        }

        var deadline = DateTimeOffset.Parse(contract["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow > deadline.AddSeconds(1)), because: "the deadline passes with no silo running");
        Assert.Single(receiver.Received);

        await using var restarted = await killed.StartAgainAsync();
        var contractId = contract["contract_id"]!.GetValue<string>();
        await Eventually.TrueAsync(() => Task.FromResult(receiver.TypesAbout("/mo", contractId).Contains("contract.expired") && receiver.TypesAbout("/publisher", contractId).Contains("contract.expired")),
            TimeSpan.FromSeconds(30), "both parties hear that the contract expired");

        var expired = receiver.Accepted.First(r => r.Type == "contract.expired").Body;
        Assert.Equal("expired", expired["data"]!["contract"]!["status"]!.GetValue<string>());
        var stored = await Json.ReadAsync(await restarted.Admin.GetAsync($"/api/v1/contracts/{contractId}"), HttpStatusCode.OK);
        Assert.Equal("expired", stored["status"]!.GetValue<string>());
        receiver.AssertAllVerifiedAndOneIdPerEvent();
    }
}
