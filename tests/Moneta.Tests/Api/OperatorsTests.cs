using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>
/// The operators' surface over HTTP: the Orleans Dashboard behind the admin token (a script's bearer token, or a
/// browser's operator session), the Prometheus scrape, the cluster's silos, and a management port that keeps all of
/// it off the public one.
/// </summary>
public sealed class OperatorsTests(SiloFixture fixture) : IClassFixture<SiloFixture>
{
    private TestSilo Silo => fixture.Silo;

    [Fact]
    public async Task The_admin_token_opens_an_http_only_same_site_session_that_opens_the_dashboard()
    {
        await Json.ProblemAsync(await Silo.Anonymous.PostAsJsonAsync("/operators/session", new { token = "not-the-admin-token-but-long-enough-0123" }), HttpStatusCode.Unauthorized, "invalid_token");

        var opened = await Silo.Anonymous.PostAsJsonAsync("/operators/session", new { token = TestSilo.AdminToken });
        Assert.Equal(HttpStatusCode.NoContent, opened.StatusCode);
        var cookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("moneta_operator=", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(TestSilo.AdminToken, cookie, StringComparison.Ordinal);

        using var counters = new HttpRequestMessage(HttpMethod.Get, "/dashboard/DashboardCounters");
        counters.Headers.Add("Cookie", cookie.Split(';')[0]);
        var answer = await Silo.Anonymous.SendAsync(counters);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.NotNull(JsonNode.Parse(await answer.Content.ReadAsStringAsync())?["totalActivationCount"]);

        var closed = await Silo.Anonymous.DeleteAsync("/operators/session");
        Assert.Equal(HttpStatusCode.NoContent, closed.StatusCode);
        Assert.Contains("expires=Thu, 01 Jan 1970", Assert.Single(closed.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Without_a_session_a_browser_is_sent_to_sign_in_and_a_script_gets_a_401_problem()
    {
        using var browserLike = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = Silo.BaseAddress };
        using var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
        page.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var browser = await browserLike.SendAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, browser.StatusCode);
        Assert.Equal("/operators/sign-in?return=%2Fdashboard%2F", browser.Headers.Location?.OriginalString);

        await Json.ProblemAsync(await Silo.Anonymous.GetAsync("/dashboard/DashboardCounters"), HttpStatusCode.Unauthorized, "unauthenticated");
        var signIn = await Silo.Anonymous.GetAsync("/operators/sign-in");
        Assert.Equal("text/html", signIn.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_session_cookie_that_moneta_did_not_issue_is_refused()
    {
        var opened = await Silo.Anonymous.PostAsJsonAsync("/operators/session", new { token = TestSilo.AdminToken });
        var value = Assert.Single(opened.Headers.GetValues("Set-Cookie")).Split(';')[0]["moneta_operator=".Length..];
        var expires = long.Parse(value[..value.IndexOf('.', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
        var extended = (expires + 86_400).ToString(System.Globalization.CultureInfo.InvariantCulture) + value[value.IndexOf('.', StringComparison.Ordinal)..];

        foreach (var forged in new[] { extended, value[..^2] + "00", "9999999999.00.00", "" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/DashboardCounters");
            request.Headers.Add("Cookie", $"moneta_operator={forged}");
            await Json.ProblemAsync(await Silo.Anonymous.SendAsync(request), HttpStatusCode.Unauthorized, "unauthenticated");
        }
    }

    [Fact]
    public async Task Operators_scrape_orleans_and_moneta_metrics_in_prometheus_format()
    {
        var scenario = await ContractScenario.CreateAsync(Silo);
        await scenario.InitiateAsync();

        var scrape = await Silo.Admin.GetAsync("/metrics");
        var text = await scrape.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, scrape.StatusCode);
        Assert.Equal("text/plain", scrape.Content.Headers.ContentType?.MediaType);
        Assert.Contains("orleans_catalog_activations", text, StringComparison.Ordinal);
        Assert.Contains("moneta_grain_call_duration_milliseconds_count{", text, StringComparison.Ordinal);
        Assert.Contains("method=\"Initiate\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(scenario.Initiation()["contract_id"]!.GetValue<string>(), text, StringComparison.Ordinal); // keys never become labels
        await Json.ProblemAsync(await Silo.Anonymous.GetAsync("/metrics"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task The_cluster_view_lists_this_silo_as_active()
    {
        var cluster = await Json.ReadAsync(await Silo.Admin.GetAsync("/api/v1/admin/cluster"), HttpStatusCode.OK);

        var silo = Assert.Single(cluster["silos"]!.AsArray());
        Assert.Equal("active", silo!["status"]!.GetValue<string>());
        Assert.Matches(@"^127\.0\.0\.1:\d+@\d+$", silo["address"]!.GetValue<string>());
    }

    [Fact]
    public async Task With_a_management_port_the_operators_routes_answer_there_and_nowhere_else()
    {
        using var directory = new TempDirectory();
        var managementPort = FreePort.Next();
        await using var silo = await TestSilo.StartAsync(directory.Path, new Dictionary<string, string?> { ["Moneta:Management:Urls"] = $"http://127.0.0.1:{managementPort}" });
        using var management = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}") };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestSilo.AdminToken);

        foreach (var route in new[] { "/metrics", "/dashboard/DashboardCounters", "/api/v1/admin/cluster", "/operators/sign-in" })
        {
            Assert.Equal(HttpStatusCode.OK, (await management.GetAsync(route)).StatusCode);
            await Json.ProblemAsync(await silo.Admin.GetAsync(route), HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(HttpStatusCode.OK, (await silo.Anonymous.GetAsync("/.well-known/jwks.json")).StatusCode);
    }

    [Fact]
    public async Task In_production_the_dashboard_log_stream_is_off_and_the_session_cookie_is_secure()
    {
        using var directory = new TempDirectory();
        var keyFile = Path.Combine(directory.Path, "moneta-signing-key.jwk.json");
        await File.WriteAllTextAsync(keyFile, SigningKey.Generate().ToPrivateJwk());
        await using var silo = await TestSilo.StartAsync(directory.Path, environment: "Production");

        await Json.ProblemAsync(await silo.Admin.GetAsync("/dashboard/Trace"), HttpStatusCode.Forbidden, "forbidden");
        var opened = await silo.Anonymous.PostAsJsonAsync("/operators/session", new { token = TestSilo.AdminToken });
        Assert.Contains("secure", Assert.Single(opened.Headers.GetValues("Set-Cookie")), StringComparison.OrdinalIgnoreCase);
    }
}
