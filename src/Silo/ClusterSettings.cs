using System.Net;

namespace Moneta.Silo;

/// <summary>How the silo joins its cluster (Moneta:Cluster).</summary>
public sealed class ClusterSettings
{
    /// <summary>
    /// Localhost: one silo, its own cluster (development clustering, no membership table). Sqlite: several silo
    /// processes on one machine, their membership rows in the shared SQLite file. DynamoDB: production, the
    /// membership table in DynamoDB on the storage's connection settings (Moneta:Storage:DynamoDB:*).
    /// </summary>
    public string Membership { get; set; } = "Localhost";

    public string ClusterId { get; set; } = "moneta-dev";

    public string ServiceId { get; set; } = "moneta";

    /// <summary>Silo-to-silo traffic; reachable only by other silos.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans clients' port (0: no gateway). Moneta's own front door needs none: it runs in the silo.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at; empty: loopback in development, the host's address otherwise.</summary>
    public string? AdvertisedAddress { get; set; }

    public IPAddress? AdvertisedIpAddress(bool development) =>
        AdvertisedAddress is { Length: > 0 } address ? IPAddress.Parse(address)
        : development ? IPAddress.Loopback
        : null;
}
