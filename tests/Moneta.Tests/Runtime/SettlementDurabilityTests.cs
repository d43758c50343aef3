using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Moneta.Tests.Support;

namespace Moneta.Tests.Runtime;

/// <summary>
/// A silo process killed with SIGKILL while charges are finalized and a party closes the open batch, four times over:
/// after each restart the outbox finishes what the dead silo left (the order to close, the issuing of the settlement
/// contract, the lines of charges finalized just before it died), and in the end every finalized charge is a line of
/// exactly one batch, every figure adds up, and each closed batch has one settlement contract, not two.
/// </summary>
public sealed class SettlementDurabilityTests
{
    private const int Rounds = 4;

    /// <summary>How long after the close request each round's kill comes: from before Moneta reads it to after it answered.</summary>
    private static readonly TimeSpan[] KillAfter = [TimeSpan.Zero, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(150)];

    [Fact]
    public async Task A_silo_killed_while_batches_close_loses_no_line_and_issues_one_settlement_contract_per_batch()
    {
        using var directory = new TempDirectory();
        // Short leases: what the killed silo was delivering is delivered again within seconds of the restart.
        var silo = await SiloProcess.StartAsync(directory.Path, "Moneta:Settlement:LinesPerPage=4", "Moneta:Runtime:MessageLease=00:00:05");
        try
        {
            var pair = await SettlementScenario.CreateAsync(silo);
            await pair.AgreeTermsAsync(minimumPayout: "0");
            for (var round = 0; round < Rounds; round++)
            {
                await ChargeWhileClosingThenKillAsync(pair, KillAfter[round]);
                var restarted = await silo.StartAgainAsync();
                await silo.DisposeAsync();
                silo = restarted;
                pair = new SettlementScenario(silo, new ContractScenario(await pair.Mo.OnAsync(silo), await pair.Publisher.OnAsync(silo), pair.Parties.MpassId));
            }

            var charges = await FinalizedChargesAsync(pair);
            await Eventually.TrueAsync(async () => (await AllLinesAsync(pair)).Count == charges.Count, TimeSpan.FromSeconds(90), "every finalized charge reaches a batch");
            await CloseAsync(pair);
            var batches = await AllBatchesClosedAsync(pair);

            var lines = await AllLinesAsync(pair);
            Assert.Equal(lines.Count, lines.Distinct().Count()); // no line in two batches, none twice in one
            Assert.Equal(charges.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));
            Assert.Equal(charges.Count * 1.00m, batches.Sum(b => decimal.Parse(b["gross"]!.GetValue<string>(), CultureInfo.InvariantCulture)));

            var statements = (await ContractsAsync(pair)).Where(c => c["template_id"]!.GetValue<string>() == "settlement-contract").ToList();
            Assert.Equal(batches.Select(b => b["batch_id"]!.GetValue<string>()).Order(StringComparer.Ordinal), statements.Select(s => s["payload"]!["batch_id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
            Assert.All(batches, b => Assert.Equal(b["settlement_contract_id"]!.GetValue<string>(), statements.Single(s => s["payload"]!["batch_id"]!.GetValue<string>() == b["batch_id"]!.GetValue<string>())["contract_id"]!.GetValue<string>()));
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    /// <summary>
    /// Charges go on from four writers; once some are in, the MO closes the batch and the silo is killed
    /// <paramref name="killAfter"/> later. The moment is not something the test waits for: it is where the kill lands
    /// (before the account has the request, between the account's write and the batch's, or after the contract is issued).
    /// </summary>
    private static async Task ChargeWhileClosingThenKillAsync(SettlementScenario pair, TimeSpan killAfter)
    {
        var acknowledged = 0;
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await pair.ChargeAsync("1.00");
                    Interlocked.Increment(ref acknowledged);
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException or Xunit.Sdk.XunitException)
                {
                    // The silo is gone (or answered 503 on its way down): this charge may or may not have been finalized.
                    if (stop.IsCancellationRequested) return;
                }
            }
        })).ToList();

        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref acknowledged) >= 12), TimeSpan.FromSeconds(60), "the writers finalize charges");
        // What the round before closed is closed, with its contract: this close is not refused as too early.
        await Eventually.TrueAsync(async () =>
        {
            var batches = await pair.BatchesAsync();
            return batches.Count(b => b!["status"]!.GetValue<string>() == "open") <= 1 && batches.All(b => b!["status"]!.GetValue<string>() == "open" || b["settlement_contract_id"] is not null);
        }, TimeSpan.FromSeconds(60), "the batch closed before has its settlement contract");
        var closing = pair.CloseEarlyAsync(pair.Mo);
        await Task.WhenAny(closing, Task.Delay(killAfter));
        await ((SiloProcess)pair.Silo).KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        await Task.WhenAny(closing); // its answer, if any, does not matter: what was stored does
    }

    /// <summary>Closes the open batch (waiting while the one before is still closing) unless it is empty.</summary>
    private static async Task CloseAsync(SettlementScenario pair) =>
        await Eventually.TrueAsync(async () =>
        {
            using var response = await pair.CloseEarlyAsync(pair.Publisher);
            var code = response.StatusCode == HttpStatusCode.Accepted ? null : (await Json.ReadAsync(response, response.StatusCode))["code"]!.GetValue<string>();
            return code is null or "settlement_batch_empty";
        }, TimeSpan.FromSeconds(60), "the last batch closes");

    private static async Task<List<JsonNode>> AllBatchesClosedAsync(SettlementScenario pair)
    {
        List<JsonNode> batches = [];
        await Eventually.TrueAsync(async () =>
        {
            batches = [.. (await pair.BatchesAsync()).Select(b => b!)];
            return batches.All(b => b["settlement_contract_id"] is not null);
        }, TimeSpan.FromSeconds(60), "every batch is closed with its settlement contract");
        return batches;
    }

    private static async Task<List<string>> AllLinesAsync(SettlementScenario pair)
    {
        var lines = new List<string>();
        foreach (var batch in await pair.BatchesAsync())
            lines.AddRange((await SettlementScenario.LinesAsync(pair.Mo, batch!["batch_id"]!.GetValue<string>())).Select(l => l!["source_contract_id"]!.GetValue<string>()));
        return lines;
    }

    private static async Task<List<string>> FinalizedChargesAsync(SettlementScenario pair) =>
        [.. (await ContractsAsync(pair)).Where(c => c["template_id"]!.GetValue<string>() == "transaction-contract" && c["status"]!.GetValue<string>() == "finalized").Select(c => c["contract_id"]!.GetValue<string>())];

    private static async Task<List<JsonNode>> ContractsAsync(SettlementScenario pair)
    {
        var contracts = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await Json.ReadAsync(await pair.Mo.Http.GetAsync($"/api/v1/contracts?mo_id={pair.Mo.Id}&limit=200" + (cursor is null ? "" : $"&cursor={cursor}")), HttpStatusCode.OK);
            contracts.AddRange(page["items"]!.AsArray().Select(c => c!));
            cursor = page["next_cursor"]?.GetValue<string>();
        }
        while (cursor is not null);
        return contracts;
    }
}
