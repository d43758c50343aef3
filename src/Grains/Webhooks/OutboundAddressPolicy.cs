using System.Net;
using System.Net.Sockets;

namespace Moneta.Grains.Webhooks;

/// <summary>
/// Which addresses webhooks may go to. Checked when an endpoint is registered (for literal addresses and
/// "localhost") and again on every connection, after name resolution, so a name that later resolves to a private
/// address (DNS rebinding) is refused too.
/// </summary>
public sealed class OutboundAddressPolicy(WebhookOptions options)
{
    private static readonly IPNetwork[] NonPublicNetworks =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    private readonly IReadOnlyList<IPNetwork> _allowedNetworks = options.ParsedAllowedNetworks;

    /// <summary>Null if the URL may be registered, otherwise why not.</summary>
    public string? RefusalFor(Uri url)
    {
        if (options.AllowPrivateNetworks || IsAllowListed(url.IdnHost)) return null;
        if (url.IsLoopback) return "loopback addresses are not allowed";
        return IPAddress.TryParse(url.IdnHost, out var address) && !IsAllowed(address)
            ? $"{address} is not a public address"
            : null;
    }

    public bool IsAllowListed(string host) => options.AllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    public bool IsAllowed(IPAddress address)
    {
        if (options.AllowPrivateNetworks) return true;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (_allowedNetworks.Any(n => n.Contains(address))) return true;
        return (address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            && !NonPublicNetworks.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address));
    }
}
