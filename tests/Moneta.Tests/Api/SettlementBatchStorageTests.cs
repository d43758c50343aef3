using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Moneta.Grains;
using Moneta.Grains.Settlements;
using Moneta.Settlements;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>A batch keeps its lines in pages of its own beyond its state; nothing of them is lost when its silo restarts.</summary>
public sealed class SettlementBatchStorageTests
{
    [Fact]
    public async Task A_batch_keeps_every_line_across_its_pages_and_a_silo_restart_and_counts_none_twice()
    {
        using var directory = new TempDirectory();
        var settings = new Dictionary<string, string?> { ["Moneta:Settlement:LinesPerPage"] = "3" };
        string batchId;
        TestPartner firstMo;
        var charges = new List<string>();
        await using (var silo = await TestSilo.StartAsync(directory.Path, settings))
        {
            var pair = await SettlementScenario.CreateAsync(silo);
            firstMo = pair.Mo;
            await pair.AgreeTermsAsync(minimumPayout: "0");
            for (var i = 1; i <= 8; i++)
                charges.Add((await pair.ChargeAsync($"{i}.00"))["contract_id"]!.GetValue<string>());
            batchId = (await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 8), "eight charges are in the open batch"))["batch_id"]!.GetValue<string>();
        }

        // A new silo on the same data: the batch activates from its state (two lines) and its two full pages (six).
        await using var restarted = await TestSilo.StartAsync(directory.Path, settings);
        var mo = await firstMo.OnAsync(restarted);
        var lines = await SettlementScenario.LinesAsync(mo, batchId, limit: 5);
        Assert.Equal(charges.Order(StringComparer.Ordinal), lines.Select(l => l!["source_contract_id"]!.GetValue<string>()));
        Assert.Equal(36.00m, lines.Sum(l => decimal.Parse(l!["amount"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)));

        // The first charge's line is in the batch's first page: its finalization event, delivered again, is recognised.
        var publisherId = (await BatchAsync(mo, batchId))["publisher_id"]!.GetValue<string>();
        var account = restarted.Services.GetRequiredService<IGrainFactory>().GetGrain<ISettlementAccountGrain>($"{mo.Id}/{publisherId}/EUR");
        await account.HandleEvent(FlowEvents.New(SettlementLineReports.EventType, charges[0], DateTimeOffset.UtcNow, new SettlementLine(charges[0], SettlementLineKind.Charge, 1.00m)));
        Assert.Equal(8, (await BatchAsync(mo, batchId))["line_count"]!.GetValue<int>());

        var closing = await Json.ReadAsync(await mo.Http.PostAsJsonAsync("/api/v1/events/settlements", new { mo_id = mo.Id, publisher_id = publisherId, currency = "EUR" }), HttpStatusCode.Accepted);
        Assert.Equal(batchId, closing["batch_id"]!.GetValue<string>());
        JsonNode? closed = null;
        await Eventually.TrueAsync(async () => (closed = await BatchAsync(mo, batchId))["lines_digest"] is not null, because: "the batch closes");
        Assert.Equal(8, closed!["line_count"]!.GetValue<int>());
        Assert.Equal("36.00", closed["gross"]!.GetValue<string>());
        Assert.Equal(SettlementScenario.Digest(lines), closed["lines_digest"]!.GetValue<string>());
    }

    private static async Task<JsonNode> BatchAsync(TestPartner by, string batchId) =>
        await Json.ReadAsync(await by.Http.GetAsync($"/api/v1/settlements/{batchId}"), HttpStatusCode.OK);

}
