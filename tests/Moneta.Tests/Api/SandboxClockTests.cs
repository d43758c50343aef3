using System.Net;
using System.Net.Http.Json;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>
/// The sandbox clock moves Moneta's time everywhere (contract deadlines and their reminders, access tokens), on
/// every silo and across restarts, while what partners check against their own clocks stays on real time; and the
/// route does not exist in Production.
/// </summary>
public sealed class SandboxClockTests
{
    [Fact]
    public async Task Advancing_past_a_deadline_expires_the_contract_by_its_reminder_and_the_webhook_still_verifies()
    {
        await using var cluster = await SiloCluster.StartAsync();
        var silo = cluster.First;
        await using var receiver = await WebhookReceiver.StartAsync();
        var scenario = await ContractScenario.CreateAsync(silo);
        await receiver.SubscribeAsync(scenario.Publisher, "/publisher", "contract.expired");
        var contract = await scenario.InitiateAsync();

        var clock = await Json.ReadAsync(await silo.Admin.PostAsJsonAsync("/api/v1/admin/clock/advance", new { advance_by = "P8D" }), HttpStatusCode.OK);
        Assert.Equal(8 * 86400, clock["offset_seconds"]!.GetValue<long>());

        // Nobody reads the contract: only its expiry reminder, due on Moneta's clock, can have expired it.
        await Eventually.TrueAsync(() => Task.FromResult(receiver.Accepted.Any(w => w.Type == "contract.expired" && w.ContractId == contract["contract_id"]!.GetValue<string>())),
            because: "the expiry reminder fires once the sandbox clock passes the deadline");
        receiver.AssertAllVerifiedAndOneIdPerEvent();

        // The access token aged eight days too; a new client assertion, signed on the partner's real clock, still works.
        var expired = await Json.ProblemAsync(await scenario.Publisher.Http.GetAsync($"/api/v1/contracts/{contract["contract_id"]}"), HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Contains("expired at", expired["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await scenario.Publisher.SignInAsync();
        var read = await Json.ReadAsync(await scenario.Publisher.Http.GetAsync($"/api/v1/contracts/{contract["contract_id"]}"), HttpStatusCode.OK);
        Assert.Equal("expired", read["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Every_silo_on_the_store_runs_on_the_advanced_clock_and_a_restart_keeps_it()
    {
        await using var cluster = await SiloCluster.StartAsync(silos: 2);

        await Json.ReadAsync(await cluster.Silos[0].Admin.PostAsJsonAsync("/api/v1/admin/clock/advance", new { advance_by = "PT2H" }), HttpStatusCode.OK);

        await Eventually.TrueAsync(async () => (await OffsetAsync(cluster.Silos[1])) == 7200, because: "the other silo reads the stored offset");
        await using var restarted = await TestSilo.StartAsync(cluster.Directory.Path);
        Assert.Equal(7200, await OffsetAsync(restarted));
    }

    [Theory]
    [InlineData("P0D")]
    [InlineData("-PT1H")]
    [InlineData("P400D")]
    [InlineData("seven days")]
    public async Task A_clock_cannot_go_back_or_leap_more_than_a_year(string advanceBy)
    {
        await using var cluster = await SiloCluster.StartAsync();

        await Json.ProblemAsync(await cluster.First.Admin.PostAsJsonAsync("/api/v1/admin/clock/advance", new { advance_by = advanceBy }), HttpStatusCode.BadRequest, "invalid_field");
        Assert.Equal(0, await OffsetAsync(cluster.First));
    }

    [Fact]
    public async Task A_sandbox_environment_has_the_clock()
    {
        using var directory = new TempDirectory();
        await using var silo = await StartConfiguredAsync(directory, "Sandbox");

        await Json.ReadAsync(await silo.Admin.PostAsJsonAsync("/api/v1/admin/clock/advance", new { advance_by = "PT1M" }), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Production_has_no_clock_route()
    {
        using var directory = new TempDirectory();
        await using var silo = await StartConfiguredAsync(directory, "Production");

        await Json.ProblemAsync(await silo.Admin.PostAsJsonAsync("/api/v1/admin/clock/advance", new { advance_by = "P8D" }), HttpStatusCode.NotFound, "not_found");
        await Json.ProblemAsync(await silo.Admin.GetAsync("/api/v1/admin/clock"), HttpStatusCode.NotFound, "not_found");
        var openApi = await silo.Anonymous.GetStringAsync("/openapi/v1.json");
        Assert.DoesNotContain("/api/v1/admin/clock", openApi, StringComparison.Ordinal);
        Assert.Contains("/api/v1/contracts", openApi, StringComparison.Ordinal);
    }

    /// <summary>A silo outside Development: its signing key must exist before it starts.</summary>
    private static Task<TestSilo> StartConfiguredAsync(TempDirectory directory, string environment)
    {
        using (SigningKey.LoadOrCreate(Path.Combine(directory.Path, "moneta-signing-key.jwk.json")))
        {
        }

        return TestSilo.StartAsync(directory.Path, environment: environment);
    }

    private static async Task<long> OffsetAsync(TestSilo silo) =>
        (await Json.ReadAsync(await silo.Admin.GetAsync("/api/v1/admin/clock"), HttpStatusCode.OK))["offset_seconds"]!.GetValue<long>();
}
