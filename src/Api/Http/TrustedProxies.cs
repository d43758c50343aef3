using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using IPNetwork = System.Net.IPNetwork;

namespace Moneta.Api.Http;

/// <summary>
/// Behind a load balancer every request arrives from the balancer's address. Moneta:Http:TrustedProxies names
/// the networks whose X-Forwarded-For Moneta believes (on Fargate: the VPC's); the client address is then the
/// rightmost entry that no trusted proxy added. Nothing is trusted by default, so a client can never choose its
/// own address for the per-address rate limit.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IReadOnlyList<string> networks)
    {
        var parsed = networks.Select(Parse).ToList();
        if (parsed.Count == 0) return services;
        return services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            options.ForwardLimit = null; // walk back through every trusted hop, stop at the first untrusted one
            options.KnownProxies.Clear(); // loopback is trusted by default; here only what is configured
            options.KnownIPNetworks.Clear();
            parsed.ForEach(options.KnownIPNetworks.Add);
        });
    }

    /// <summary>
    /// Before authentication and rate limiting, so both see the client's address. Only with a trusted network:
    /// with none, the forwarded-headers middleware would believe every sender.
    /// </summary>
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>().Value.KnownIPNetworks.Count > 0)
            app.UseForwardedHeaders();
        return app;
    }

    private static IPNetwork Parse(string network) =>
        IPNetwork.TryParse(network, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"Moneta:Http:TrustedProxies: '{network}' is not a network in CIDR notation (for example 10.0.0.0/16).");
}
