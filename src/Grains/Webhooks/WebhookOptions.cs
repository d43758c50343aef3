using System.Net;

namespace Moneta.Grains.Webhooks;

/// <summary>Configuration under Moneta:Webhooks.</summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// The delay before each attempt: the first is immediate, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h
    /// (about a day and a half in all). After the last attempt fails the delivery is dead. Each delay gets ±10% jitter.
    /// </summary>
    public IReadOnlyList<TimeSpan> RetrySchedule { get; set; } =
    [
        TimeSpan.Zero, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10), TimeSpan.FromHours(10),
    ];

    /// <summary>An attempt that has no response within this time has failed.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the previous secret keeps signing after a rotation, unless the rotation asks otherwise.</summary>
    public TimeSpan SecretRotationOverlap { get; set; } = TimeSpan.FromHours(24);

    public int MaxEndpointsPerOrganization { get; set; } = 10;

    /// <summary>
    /// Whether endpoints may be in loopback, private, link-local and similar ranges. Off in production, where such
    /// addresses would let a partner reach Moneta's own network (SSRF); on in development.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Host names allowed even when they resolve into private ranges (an internal partner gateway, say).</summary>
    public IReadOnlyList<string> AllowedHosts { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. 10.20.0.0/16) allowed even though they are private.</summary>
    public IReadOnlyList<string> AllowedNetworks { get; set; } = [];

    internal IReadOnlyList<IPNetwork> ParsedAllowedNetworks => [.. AllowedNetworks.Select(IPNetwork.Parse)];
}
