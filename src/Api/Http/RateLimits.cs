using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Moneta.Api.Http;

/// <summary>
/// How many requests a client may send per window (configuration Moneta:RateLimits:*). An authenticated request
/// counts against its organization (or the administrator); any other request (no token, an invalid one, the token
/// endpoint) against its client address. ADR 0004 explains the split.
/// </summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Generous: the load test (about 2,400 requests a second from two organizations) stays far below it.</summary>
    public WindowLimit PerOrganization { get; set; } = new() { PermitLimit = 5000, Window = TimeSpan.FromSeconds(1) };

    /// <summary>For requests without a valid access token, mostly the token endpoint: a partner needs a few a minute.</summary>
    public WindowLimit PerAddress { get; set; } = new() { PermitLimit = 200, Window = TimeSpan.FromSeconds(1) };

    public sealed class WindowLimit
    {
        public int PermitLimit { get; set; }

        public TimeSpan Window { get; set; }
    }
}

public static class RateLimits
{
    public static IServiceCollection AddMonetaRateLimits(this IServiceCollection services, RateLimitOptions options)
    {
        if (!options.Enabled) return services;
        return services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => PartitionOf(context, options));
            limiter.OnRejected = async (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.Of(429, ErrorCodes.RateLimited, $"Too many requests; retry after {seconds} s.").ExecuteAsync(rejected.HttpContext);
            };
        });
    }

    /// <summary>Runs after authentication, so an authenticated caller is known by its organization.</summary>
    public static WebApplication UseMonetaRateLimits(this WebApplication app, RateLimitOptions options)
    {
        if (options.Enabled) app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> PartitionOf(HttpContext context, RateLimitOptions options)
    {
        var caller = context.User.Identity?.IsAuthenticated == true ? Caller.From(context.User) : null;
        return caller is null
            ? Window("address:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown"), options.PerAddress)
            : Window("organization:" + caller.Actor, options.PerOrganization);
    }

    private static RateLimitPartition<string> Window(string key, RateLimitOptions.WindowLimit limit) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
        });
}
