using System.Net;
using Moneta.Tests.Support;

namespace Moneta.Tests.Api;

/// <summary>Tiny limits with a long window, so a window never rolls over during a test.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int PerOrganization = 8;
    private const int PerAddress = 12;

    private TestCluster _cluster = null!;

    private TestSilo Silo => _cluster.First;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(settings: new Dictionary<string, string?>
    {
        ["Moneta:RateLimits:PerOrganization:PermitLimit"] = PerOrganization.ToString(),
        ["Moneta:RateLimits:PerOrganization:Window"] = "01:00:00",
        ["Moneta:RateLimits:PerAddress:PermitLimit"] = PerAddress.ToString(),
        ["Moneta:RateLimits:PerAddress:Window"] = "01:00:00",
    });

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
