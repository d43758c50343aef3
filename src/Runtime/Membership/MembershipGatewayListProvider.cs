using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Messaging;

namespace Moneta.Runtime.Membership;

/// <summary>
/// Where Orleans clients find the cluster's gateways: the active silos that have a gateway port, read from the same
/// membership table the silos keep (DynamoDB or SQLite), with a strongly consistent read of the cluster's rows.
/// </summary>
public sealed class MembershipGatewayListProvider(IMembershipTable table, IOptions<GatewayOptions> gateway) : IGatewayListProvider
{
    public TimeSpan MaxStaleness => gateway.Value.GatewayListRefreshPeriod;

    public bool IsUpdatable => true;

    /// <summary>A client never creates the version row: only silos start a cluster.</summary>
    public Task InitializeGatewayListProviderAsync(CancellationToken cancellationToken) =>
        table.InitializeMembershipTableAsync(false, cancellationToken);

    public async Task<IList<Uri>> GetGatewaysAsync(CancellationToken cancellationToken) =>
        [.. (await table.ReadAllAsync(cancellationToken)).Members
            .Select(m => m.Item1)
            .Where(e => e.Status == SiloStatus.Active && e.ProxyPort > 0)
            .Select(e => SiloAddress.New(e.SiloAddress.Endpoint.Address, e.ProxyPort, e.SiloAddress.Generation).ToGatewayUri())];

    // Orleans 10.4.2 calls the *Async overloads above; these are the interface's older, obsolete members.
    public Task InitializeGatewayListProvider() => InitializeGatewayListProviderAsync(CancellationToken.None);

    public Task<IList<Uri>> GetGateways() => GetGatewaysAsync(CancellationToken.None);
}
