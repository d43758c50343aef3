using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Moneta.Tests.Support;

namespace Moneta.Tests.Runtime;

public sealed class DurabilityTests
{
    [Fact]
    public async Task Every_acknowledged_step_survives_kill_9_of_the_silo()
    {
        using var directory = new TempDirectory();
        var acknowledged = new ConcurrentBag<(string Id, string Status)>();
        SiloProcess killed;
        await using (var silo = killed = await SiloProcess.StartAsync(directory.Path))
        {
            var scenario = await ContractScenario.CreateAsync(silo);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var response = await scenario.Mo.Http.PostAsJsonAsync("/api/v1/contracts", scenario.Initiation());
                        if (response.StatusCode != HttpStatusCode.Created) continue;
                        var contract = await Json.ReadAsync(response, HttpStatusCode.Created);
                        acknowledged.Add((contract["contract_id"]!.GetValue<string>(), contract["status"]!.GetValue<string>()));
                        var signed = await scenario.PublisherSignsAsync(contract);
                        if (signed.StatusCode == HttpStatusCode.OK)
                            acknowledged.Add((contract["contract_id"]!.GetValue<string>(), "finalized"));
                    }
                    catch (HttpRequestException)
                    {
                        return; // the silo is gone
                    }
                    catch (TaskCanceledException)
                    {
                        return;
                    }
                }
            })).ToList();

            await Eventually.TrueAsync(() => Task.FromResult(acknowledged.Count >= 60), TimeSpan.FromSeconds(60), "the silo acknowledges steps under load");
            await silo.KillAsync(); // mid-load, with requests in flight
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        await using var restarted = await killed.StartAgainAsync();
        var finalized = acknowledged.Where(a => a.Status == "finalized").Select(a => a.Id).ToHashSet();
        foreach (var (id, _) in acknowledged.DistinctBy(a => a.Id))
        {
            var contract = await Json.ReadAsync(await restarted.Admin.GetAsync($"/api/v1/contracts/{id}"), HttpStatusCode.OK);
            if (finalized.Contains(id))
                Assert.Equal("finalized", contract["status"]!.GetValue<string>());
            var audit = await Json.ReadAsync(await restarted.Admin.GetAsync($"/api/v1/contracts/{id}/audit"), HttpStatusCode.OK);
            Assert.True(audit["verified"]!.GetValue<bool>());
        }
    }
}
