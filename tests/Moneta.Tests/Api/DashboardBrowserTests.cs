using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Moneta.Tests.Support;
using Xunit.Sdk;

namespace Moneta.Tests.Api;

/// <summary>
/// The Orleans Dashboard as an operator uses it: a real browser (Debian's Chromium, driven by Playwright; no
/// browser is downloaded) is sent to the sign-in page, signs in with the admin token, and sees the cluster's two
/// silos and the contract grain with the calls the partners just made. The last page is kept as a screenshot in
/// artifacts/dashboard/.
/// </summary>
public sealed class DashboardBrowserTests
{
    private static readonly string Chromium = Environment.GetEnvironmentVariable("MONETA_CHROMIUM") ?? "/usr/bin/chromium";

    private const float Patience = 120_000;

    [Fact]
    public async Task An_operator_signs_in_and_sees_the_silos_and_the_contract_grain_with_its_calls()
    {
        Assert.True(File.Exists(Chromium), $"No Chromium at {Chromium}: install Debian's chromium package (scripts/test.sh does) or set MONETA_CHROMIUM.");
        await using var cluster = await SiloCluster.StartAsync(silos: 2);
        var scenario = await ContractScenario.CreateAsync(cluster.First);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            // As root in a sandboxed machine, and without the background traffic a closed network refuses.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 } });
        // Waits, not timings: on a loaded two-core machine a cold Chromium takes tens of seconds over its first page,
        // and this test shares the cores with another test class.
        page.SetDefaultTimeout(Patience);
        page.SetDefaultNavigationTimeout(Patience);
        var dashboard = new Uri(cluster.First.BaseAddress, "/dashboard/").ToString();

        // Partners keep signing while the operator looks: the dashboard's profiler records calls only while the
        // dashboard is open, and its grain page shows the calls of a recent window. They stop however the test ends.
        using var watching = new CancellationTokenSource();
        try
        {
            await page.GotoAsync(dashboard);
            Assert.Contains("/operators/sign-in", page.Url, StringComparison.Ordinal);
            await page.FillAsync("#token", TestSilo.AdminToken);
            await page.ClickAsync("button[type=submit]");
            await SignedInAsync(page, dashboard);

            var partners = SignContractsAsync(scenario, watching.Token);

            await page.GotoAsync(dashboard + "#/silos");
            foreach (var silo in cluster.Silos)
            {
                var address = (await Json.ReadAsync(await silo.Admin.GetAsync("/api/v1/admin/cluster"), HttpStatusCode.OK))["silos"]!.AsArray()
                    .Select(s => s!["address"]!.GetValue<string>()).ToList();
                foreach (var shown in address)
                    await page.GetByText(shown).First.WaitForAsync();
            }

            await page.GotoAsync(dashboard + "#/grain/Moneta.Grains.Contracts.ContractGrain");
            await page.GetByText("Initiate").First.WaitForAsync();
            await page.GetByText("Sign").First.WaitForAsync();
            // The page refreshes its figures every second: the contracts waiting for the publisher show up as
            // activations (a finished contract leaves memory at once, ADR 0012 §6).
            await Eventually.TrueAsync(async () =>
                Regex.Match(await page.InnerTextAsync("body"), @"ACTIVATIONS\s+(\d+)") is { Success: true } shown && int.Parse(shown.Groups[1].Value, CultureInfo.InvariantCulture) >= 5,
                TimeSpan.FromSeconds(120), "the dashboard counts the pending contracts' activations");

            await watching.CancelAsync();
            Assert.True(await partners >= 5, "the partners finalized contracts while the operator watched");
            await page.ScreenshotAsync(new() { Path = Screenshot("contract-grain.png"), FullPage = true });
        }
        catch (Exception e) when (e is not XunitException)
        {
            // What the operator saw, for whoever reads the failure.
            await page.ScreenshotAsync(new() { Path = Screenshot("failure.png"), FullPage = true });
            throw new InvalidOperationException($"At {page.Url} the page read: {await page.InnerTextAsync("body")}", e);
        }
        finally
        {
            await watching.CancelAsync();
        }
    }

    /// <summary>
    /// Initiates contracts one after another until told to stop, finalizing every other one (the rest wait for the
    /// publisher, in memory); returns how many it finalized.
    /// </summary>
    private static async Task<int> SignContractsAsync(ContractScenario scenario, CancellationToken stop)
    {
        var finalized = 0;
        while (!stop.IsCancellationRequested)
        {
            await scenario.InitiateAsync();
            var contract = await scenario.InitiateAsync();
            await Json.ReadAsync(await scenario.PublisherSignsAsync(contract), HttpStatusCode.OK);
            finalized++;
            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None); // an operator's trickle, not a load test
        }

        return finalized;
    }

    private static string Screenshot(string name)
    {
        var screenshots = Path.Combine(Repository.Root, "artifacts", "dashboard");
        Directory.CreateDirectory(screenshots);
        return Path.Combine(screenshots, name);
    }

    /// <summary>
    /// Polls the page's address instead of waiting for a navigation event: under load the page could navigate before a
    /// wait registered after the click, and the wait then never ended. A refused sign-in says why on the page.
    /// </summary>
    private static async Task SignedInAsync(IPage page, string dashboard)
    {
        try
        {
            await Assertions.Expect(page).ToHaveURLAsync(dashboard, new() { Timeout = Patience });
        }
        catch (PlaywrightException e)
        {
            throw new InvalidOperationException($"The browser did not reach the dashboard (at {page.Url}; the sign-in page says: '{string.Join(" ", await page.Locator("#error").AllInnerTextsAsync())}').", e);
        }
    }
}
