using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moneta.Runtime.Membership;
using Moneta.Tests.Support;
using Orleans.Configuration;

namespace Moneta.Tests.Runtime.Membership;

/// <summary>
/// The membership contract on DynamoDB Local, AWS's own engine. Every test's cluster shares one table, as the
/// clusters of one environment would.
/// </summary>
public sealed class DynamoDbMembershipTableTests : MembershipTableContract, IDisposable
{
    private static readonly string TablePrefix = DynamoDbLocal.NewTablePrefix();

    private readonly List<DynamoDbMembershipTable> _tables = [];

    protected override async Task<IMembershipTable> CreateTableAsync(string clusterId)
    {
        var table = new DynamoDbMembershipTable(
            DynamoDbLocal.Options(TablePrefix),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "moneta" }),
            NullLogger<DynamoDbMembershipTable>.Instance);
        _tables.Add(table);
        await table.InitializeMembershipTableAsync(true, CancellationToken.None);
        return table;
    }

    public void Dispose()
    {
        foreach (var table in _tables)
            table.Dispose();
    }
}
