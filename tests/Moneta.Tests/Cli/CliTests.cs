using System.Net;
using System.Text.Json.Nodes;
using Moneta.Tests.Support;

namespace Moneta.Tests.Cli;

/// <summary>
/// The moneta CLI run as processes against a real silo: the README walkthrough from key generation to a finalized,
/// verified contract and its webhooks received by <c>moneta webhooks listen</c>.
/// </summary>
public sealed class CliTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    [Fact]
    public async Task The_readme_walkthrough_runs_from_nothing_to_a_finalized_contract_and_a_verified_webhook()
    {
        using var work = new TempDirectory();
        var moneta = new CliProcess(fixture.Silo, Path.Combine(work.Path, "home"), work.Path);
        var mic = "RG" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

        File.WriteAllText(Path.Combine(work.Path, "mo.public.jwk.json"), await moneta.SucceedAsync("keys", "generate", "--kid", "mo-key-1", "--out", "mo.jwk.json"));
        File.WriteAllText(Path.Combine(work.Path, "pub.public.jwk.json"), await moneta.SucceedAsync("keys", "generate", "--kid", "pub-key-1", "--out", "pub.jwk.json"));
        Assert.DoesNotContain("\"d\"", File.ReadAllText(Path.Combine(work.Path, "mo.public.jwk.json")), StringComparison.Ordinal);
        var moId = await moneta.SucceedAsync("admin", "organizations", "register", "--kind", "mo", "--name", "Readers Guild", "--mic", mic, "--public-key", "mo.public.jwk.json");
        var publisherId = await moneta.SucceedAsync("admin", "organizations", "register", "--kind", "publisher", "--name", "Daily Planet", "--public-key", "pub.public.jwk.json");
        await moneta.SucceedAsync("admin", "organizations", "activate", "--kind", "mo", moId);
        await moneta.SucceedAsync("admin", "organizations", "activate", "--kind", "publisher", publisherId);
        var url = fixture.Silo.BaseAddress.ToString().TrimEnd('/');
        await moneta.SucceedAsync("login", "--profile", "mo", "--url", url, "--org", moId, "--kind", "mo", "--key", "mo.jwk.json");
        await moneta.SucceedAsync("login", "--profile", "publisher", "--url", url, "--org", publisherId, "--kind", "publisher", "--key", "pub.jwk.json");

        await using var listener = moneta.Start("--profile", "publisher", "webhooks", "listen");
        await Eventually.TrueAsync(() => Task.FromResult(listener.Stderr.Contains("Ready.", StringComparison.Ordinal) || listener.HasExited), because: "the listener registers its endpoint");
        Assert.False(listener.HasExited, listener.Stderr);

        var mpass = await moneta.SucceedAsync("--profile", "mo", "mpass", "issue", "--tier", "gold");
        var contractId = await moneta.SucceedAsync("--profile", "mo", "contracts", "initiate", "--publisher", publisherId, "--mpass", mpass, "--amount", "12.50", "--currency", "EUR", "--description", "Premium article bundle");
        var signed = JsonNode.Parse(await moneta.SucceedAsync("--profile", "publisher", "contracts", "sign", contractId, "--json"))!;
        Assert.Equal("finalized", signed["status"]!.GetValue<string>());
        Assert.Contains("verified", await moneta.SucceedAsync("--profile", "publisher", "contracts", "verify", contractId), StringComparison.Ordinal);
        Assert.Contains(contractId[..8], await moneta.SucceedAsync("--profile", "mo", "contracts", "list", "--status", "finalized"), StringComparison.Ordinal);
        Assert.Contains("finalized", await moneta.SucceedAsync("--profile", "mo", "contracts", "audit", contractId), StringComparison.Ordinal);

        await moneta.SucceedAsync("--profile", "publisher", "webhooks", "trigger");
        await Eventually.TrueAsync(() => Task.FromResult(
            listener.Stdout.Any(l => l.Contains("contract.finalized", StringComparison.Ordinal) && l.Contains(contractId, StringComparison.Ordinal) && l.Contains("verified", StringComparison.Ordinal))
            && listener.Stdout.Any(l => l.Contains("webhook.test", StringComparison.Ordinal) && l.Contains("verified", StringComparison.Ordinal))),
            because: "the listener prints the publisher's webhooks, verified");

        // Stopped, the listener removes its endpoint.
        await listener.StopAsync();
        var endpoints = await Json.ReadAsync(await fixture.Silo.Admin.GetAsync($"/api/v1/organizations/publisher/{publisherId}/webhooks"), HttpStatusCode.OK);
        Assert.Empty(endpoints["items"]!.AsArray());
    }

    [Fact]
    public async Task A_refusal_prints_its_code_and_exits_with_1()
    {
        using var work = new TempDirectory();
        var moneta = new CliProcess(fixture.Silo, Path.Combine(work.Path, "home"), work.Path);
        var scenario = await ContractScenario.CreateAsync(fixture.Silo);
        var contract = await scenario.InitiateAsync();
        File.WriteAllText(Path.Combine(work.Path, "mo.jwk.json"), scenario.Mo.Key.ToPrivateJwk());
        await moneta.SucceedAsync("login", "--url", fixture.Silo.BaseAddress.ToString(), "--org", scenario.Mo.Id, "--kind", "mo", "--key", "mo.jwk.json");

        // The MO tries to sign at the publisher's turn.
        var refused = await moneta.RunAsync("contracts", "sign", contract["contract_id"]!.GetValue<string>());

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("role_not_yours (403)", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("trace_id", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_admin_advances_the_sandbox_clock_from_the_cli()
    {
        await using var cluster = await SiloCluster.StartAsync();
        using var work = new TempDirectory();
        var moneta = new CliProcess(cluster.First, Path.Combine(work.Path, "home"), work.Path);

        await moneta.SucceedAsync("admin", "clock", "advance", "PT3H");

        var clock = await Json.ReadAsync(await cluster.First.Admin.GetAsync("/api/v1/admin/clock"), HttpStatusCode.OK);
        Assert.Equal(3 * 3600, clock["offset_seconds"]!.GetValue<long>());
        Assert.Equal(1, (await moneta.RunAsync("admin", "clock", "advance", "three hours")).ExitCode);
    }
}
