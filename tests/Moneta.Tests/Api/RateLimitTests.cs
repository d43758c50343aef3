using System.Net;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>Tiny limits with a long window, so a window never rolls over during a test.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int PerOrganization = 8;
    private const int PerAddress = 12;

    private SiloCluster _cluster = null!;

    private TestSilo Silo => _cluster.First;

    public async Task InitializeAsync() => _cluster = await SiloCluster.StartAsync(settings: Limits());

    private static Dictionary<string, string?> Limits() => new()
    {
        ["Moneta:RateLimits:PerOrganization:PermitLimit"] = PerOrganization.ToString(),
        ["Moneta:RateLimits:PerOrganization:Window"] = "01:00:00",
        ["Moneta:RateLimits:PerAddress:PermitLimit"] = PerAddress.ToString(),
        ["Moneta:RateLimits:PerAddress:Window"] = "01:00:00",
    };

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task An_organization_over_its_limit_gets_429_with_retry_after_and_others_are_unaffected()
    {
        var greedy = await TestPartner.RegisterAsync(Silo, "mo");
        var modest = await TestPartner.RegisterAsync(Silo, "publisher");

        var throttled = await SendUntilThrottledAsync(() => greedy.Http.GetAsync($"/api/v1/organizations/mo/{greedy.Id}"), PerOrganization);

        await AssertRateLimitedAsync(throttled);
        await Json.ReadAsync(await modest.Http.GetAsync($"/api/v1/organizations/publisher/{modest.Id}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Unauthenticated_requests_are_limited_per_client_address()
    {
        var partner = await TestPartner.RegisterAsync(Silo, "mo");

        var throttled = await SendUntilThrottledAsync(() => Silo.Anonymous.GetAsync("/.well-known/jwks.json"), PerAddress);

        await AssertRateLimitedAsync(throttled);
        await AssertRateLimitedAsync(await partner.RequestTokenAsync(partner.CreateAssertion()));
        await Json.ReadAsync(await partner.Http.GetAsync($"/api/v1/organizations/mo/{partner.Id}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_forged_x_forwarded_for_does_not_escape_the_address_limit()
    {
        var forged = 0;

        var throttled = await SendUntilThrottledAsync(() => GetJwksAsync(Silo, $"203.0.113.{++forged}"), PerAddress);

        await AssertRateLimitedAsync(throttled);
        await AssertRateLimitedAsync(await GetJwksAsync(Silo, "198.51.100.1"));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_client_address_has_its_own_limit()
    {
        var settings = Limits();
        settings["Moneta:Http:TrustedProxies:0"] = "127.0.0.0/8"; // the test client plays the load balancer
        await using var behindProxy = await SiloCluster.StartAsync(settings: settings);
        var silo = behindProxy.First;
        var forged = 0;

        // The client's own entries (left of the address the proxy saw) are ignored: forging them gains nothing.
        var throttled = await SendUntilThrottledAsync(() => GetJwksAsync(silo, $"198.51.100.{++forged}, 203.0.113.7"), PerAddress);

        await AssertRateLimitedAsync(throttled);
        await AssertRateLimitedAsync(await GetJwksAsync(silo, "203.0.113.7"));
        Assert.Equal(HttpStatusCode.OK, (await GetJwksAsync(silo, "203.0.113.8")).StatusCode);
    }

    [Fact]
    public async Task A_trusted_proxy_that_is_not_a_network_stops_the_silo()
    {
        var settings = Limits();
        settings["Moneta:Http:TrustedProxies:0"] = "10.0.0.0/33";

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(async () => await SiloCluster.StartAsync(settings: settings));

        Assert.Contains("Moneta:Http:TrustedProxies", refused.Message, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> GetJwksAsync(TestSilo silo, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/jwks.json");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return silo.Anonymous.SendAsync(request);
    }

    /// <summary>Sends until the first 429; other tests may have used part of the same budget, never more than all of it.</summary>
    private static async Task<HttpResponseMessage> SendUntilThrottledAsync(Func<Task<HttpResponseMessage>> send, int limit)
    {
        for (var i = 0; i <= limit; i++)
        {
            var response = await send();
            if (response.StatusCode == HttpStatusCode.TooManyRequests) return response;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Fail($"No 429 after {limit + 1} requests against a limit of {limit}.");
        return null!;
    }

    private static async Task AssertRateLimitedAsync(HttpResponseMessage response)
    {
        await Json.ProblemAsync(response, HttpStatusCode.TooManyRequests, "rate_limited");
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
    }
}
