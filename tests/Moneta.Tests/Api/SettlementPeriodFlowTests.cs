using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>
/// Time, controlled by the test through the sandbox clock: a publisher that lets a dispute's deadline pass loses it,
/// the refund enters the open batch as a negative line, and the batch closes by itself at its period's end plus the
/// grace time; a charge past its dispute window cannot be disputed. Each test has its own silo: the clock is the silo's.
/// </summary>
public sealed class SettlementPeriodFlowTests
{
    [Fact]
    public async Task A_dispute_left_unanswered_is_accepted_by_default_and_the_batch_closes_at_its_period_end()
    {
        await using var cluster = await SiloCluster.StartAsync();
        var silo = cluster.First;
        // From the second day of a month, fifteen days stay inside it: the monthly batch is still the same one.
        await AdvanceToAsync(silo, now => new DateTimeOffset(now.Year, now.Month, 1, 2, 0, 0, TimeSpan.Zero).AddMonths(1));
        var pair = await SettlementScenario.CreateAsync(silo);
        await pair.AgreeTermsAsync(period: "monthly", feeBps: 250, moShareBps: 2000, minimumPayout: "0");
        var charge = await pair.ChargeAsync("40.00");
        var dispute = await pair.DisputeAsync(charge["contract_id"]!.GetValue<string>(), "15.00", reason: "cancelled");

        await AdvanceAsync(silo, "P15D", pair);
        var expired = await WaitForContractAsync(pair.Mo, dispute, c => c["status"]!.GetValue<string>() == "expired");
        Assert.Equal("accepted_by_default", expired["dispute"]!["resolution"]!.GetValue<string>());
        var listed = await WaitForContractAsync(pair.Publisher, charge, c => c["disputes"]!.AsArray().Single()!["status"]!.GetValue<string>() != "pending");
        Assert.Equal("accepted_by_default", listed["disputes"]![0]!["status"]!.GetValue<string>());
        var open = await pair.WaitForBatchAsync(b => SettlementScenario.Is(b, "open", lines: 2), "the charge and the refund are in the open batch");

        // The end of the month, plus the grace time (one hour), and a minute: the batch closes by itself.
        await AdvanceToAsync(silo, now => new DateTimeOffset(now.Year, now.Month, 1, 1, 1, 0, TimeSpan.Zero).AddMonths(1), pair);
        var closed = await pair.WaitForBatchAsync(b => b["batch_id"]!.GetValue<string>() == open["batch_id"]!.GetValue<string>() && b["settlement_contract_id"] is not null, "the period's end closes the batch", TimeSpan.FromSeconds(60));
        Assert.Equal("awaiting_signatures", closed["status"]!.GetValue<string>());
        var periodStart = DateTimeOffset.Parse(closed["period_start"]!.GetValue<string>(), CultureInfo.InvariantCulture);
        Assert.Equal((1, TimeSpan.Zero), (periodStart.Day, periodStart.TimeOfDay));
        Assert.Equal(periodStart.AddMonths(1), DateTimeOffset.Parse(closed["period_end"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        var lines = await SettlementScenario.LinesAsync(pair.Publisher, closed["batch_id"]!.GetValue<string>());
        Assert.Equal(["40.00", "-15.00"], lines.OrderByDescending(l => l!["kind"]!.GetValue<string>() == "charge").Select(l => l!["amount"]!.GetValue<string>()));
        Assert.Equal(SettlementScenario.Digest(lines), closed["lines_digest"]!.GetValue<string>());
        Assert.Equal("25.00", closed["gross"]!.GetValue<string>());

        // Long past the dispute window (120 days after the charge was finalized), what remains cannot be disputed.
        await AdvanceAsync(silo, "P120D", pair);
        await Json.ProblemAsync(await pair.FileDisputeAsync(pair.DisputeBody(charge["contract_id"]!.GetValue<string>(), "5.00")), HttpStatusCode.Conflict, "dispute_window_closed");
    }

    private static async Task<JsonNode> WaitForContractAsync(TestPartner by, JsonNode contract, Func<JsonNode, bool> condition)
    {
        JsonNode? seen = null;
        await Eventually.TrueAsync(async () => condition(seen = await Json.ReadAsync(await by.Http.GetAsync($"/api/v1/contracts/{contract["contract_id"]}"), HttpStatusCode.OK)),
            TimeSpan.FromSeconds(60), "the contract changes");
        return seen!;
    }

    /// <summary>Moves the clock on; the parties' access tokens age with it, so they sign in again.</summary>
    private static async Task AdvanceAsync(TestSilo silo, string by, SettlementScenario? pair = null)
    {
        await Json.ReadAsync(await silo.Admin.PostAsJsonAsync("/api/v1/admin/clock/advance", new { advance_by = by }), HttpStatusCode.OK);
        if (pair is null) return;
        await pair.Mo.SignInAsync();
        await pair.Publisher.SignInAsync();
    }

    /// <summary>Moves the silo's clock to the instant <paramref name="target"/> computes from its current time.</summary>
    private static async Task AdvanceToAsync(TestSilo silo, Func<DateTimeOffset, DateTimeOffset> target, SettlementScenario? pair = null)
    {
        var clock = await Json.ReadAsync(await silo.Admin.GetAsync("/api/v1/admin/clock"), HttpStatusCode.OK);
        var now = DateTimeOffset.Parse(clock["now"]!.GetValue<string>(), CultureInfo.InvariantCulture).ToUniversalTime();
        var seconds = (long)Math.Ceiling((target(now) - now).TotalSeconds);
        await AdvanceAsync(silo, $"PT{seconds.ToString(CultureInfo.InvariantCulture)}S", pair);
    }
}
