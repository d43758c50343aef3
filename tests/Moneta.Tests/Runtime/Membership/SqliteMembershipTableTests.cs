using Microsoft.Extensions.Options;
using Moneta.Runtime.Membership;
using Moneta.Tests.Support;
using Orleans.Configuration;

namespace Moneta.Tests.Runtime.Membership;

/// <summary>The membership contract on the SQLite file several silo processes on one machine share.</summary>
public sealed class SqliteMembershipTableTests : MembershipTableContract, IDisposable
{
    private readonly TempDirectory _directory = new();

    protected override async Task<IMembershipTable> CreateTableAsync(string clusterId)
    {
        var table = new SqliteMembershipTable(
            Options.Create(new SqliteMembershipOptions { Path = Path.Combine(_directory.Path, "moneta.db") }),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "moneta" }));
        await table.InitializeMembershipTableAsync(true, CancellationToken.None);
        return table;
    }

    public void Dispose() => _directory.Dispose();
}
