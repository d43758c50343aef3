using System.Net;
using Microsoft.Extensions.Options;
using Moneta.Runtime.Membership;
using Orleans.Configuration;

namespace Moneta.Tests.Runtime.Membership;

/// <summary>
/// Orleans 10.4.2's membership table contract, the cases Orleans checks its own providers with, adjusted for the
/// 10.4.2 rules (heartbeat-neutral row ETags, Dead-only cleanup). A provider runs them by supplying its table.
/// Every test uses a cluster id of its own.
/// </summary>
public abstract class MembershipTableContract
{
    private static int _nextPort = 20_000;

    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("N");

    /// <summary>The provider's table for <paramref name="clusterId"/>, initialized with its version row.</summary>
    protected abstract Task<IMembershipTable> CreateTableAsync(string clusterId);

    [Fact]
    public async Task An_empty_table_reads_version_zero_with_an_etag()
    {
        var table = await CreateTableAsync(_clusterId);

        var data = await table.ReadAllAsync(CancellationToken.None);

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.NotNull(data.Version.VersionEtag);
    }

    [Fact]
    public async Task An_inserted_silo_reads_back_whole_under_the_version_it_was_written_with()
    {
        var table = await CreateTableAsync(_clusterId);
        var entry = NewEntry(SiloStatus.Joining);
        entry.AddSuspector(SiloAddress.New(IPAddress.Loopback, 40_000, 1), Truncated(DateTime.UtcNow));

        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        var all = await table.ReadAllAsync(CancellationToken.None);
        var one = await table.ReadRowAsync(entry.SiloAddress, CancellationToken.None);
        Assert.Equal(1, all.Version.Version);
        Assert.Equal(all.Version, one.Version);
        var (stored, etag) = Assert.Single(one.Members);
        Assert.NotNull(etag);
        AssertSame(entry, stored);
    }

    [Fact]
    public async Task A_duplicate_insert_or_an_insert_on_a_stale_version_is_refused()
    {
        var table = await CreateTableAsync(_clusterId);
        var read = await table.ReadAllAsync(CancellationToken.None);
        var entry = NewEntry(SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(entry, read.Version.Next(), CancellationToken.None));

        Assert.False(await table.InsertRowAsync(entry, read.Version.Next(), CancellationToken.None), "same entry on the version read before the insert");
        Assert.False(await table.InsertRowAsync(NewEntry(SiloStatus.Joining), read.Version.Next(), CancellationToken.None), "new entry on a stale version");
        var current = await table.ReadAllAsync(CancellationToken.None);
        Assert.False(await table.InsertRowAsync(entry, current.Version.Next(), CancellationToken.None), "duplicate entry on the current version");

        var after = await table.ReadAllAsync(CancellationToken.None);
        Assert.Single(after.Members);
        Assert.Equal(1, after.Version.Version);
        Assert.NotEqual(read.Version.VersionEtag, after.Version.VersionEtag);
    }

    [Fact]
    public async Task An_update_needs_the_current_version_and_the_rows_current_etag()
    {
        var table = await CreateTableAsync(_clusterId);
        var entry = NewEntry(SiloStatus.Joining);
        var written = (await table.ReadAllAsync(CancellationToken.None)).Version.Next();
        Assert.True(await table.InsertRowAsync(entry, written, CancellationToken.None));

        for (var i = 0; i < 5; i++)
        {
            var before = await table.ReadAllAsync(CancellationToken.None);
            var (_, etag) = before.Members.Single();
            entry.Status = i % 2 == 0 ? SiloStatus.Active : SiloStatus.ShuttingDown;
            entry.AddOrUpdateSuspector(SiloAddress.New(IPAddress.Loopback, 40_000 + i, 1), Truncated(DateTime.UtcNow), 3);

            Assert.False(await table.UpdateRowAsync(entry, etag, written, CancellationToken.None), "the version of the last write, whose ETag has changed since");
            written = before.Version.Next();
            Assert.True(await table.UpdateRowAsync(entry, etag, written, CancellationToken.None));
            var after = await table.ReadAllAsync(CancellationToken.None);
            Assert.False(await table.UpdateRowAsync(entry, etag, after.Version.Next(), CancellationToken.None), "a row ETag read before the last update");

            var (stored, newETag) = after.Members.Single();
            AssertSame(entry, stored);
            Assert.NotEqual(etag, newETag);
            Assert.Equal(i + 2, after.Version.Version);
        }
    }

    [Fact]
    public async Task Of_twenty_concurrent_inserts_one_wins_and_concurrent_read_modify_retry_updates_all_land()
    {
        var table = await CreateTableAsync(_clusterId);
        var entry = NewEntry(SiloStatus.Joining);
        var version = (await table.ReadAllAsync(CancellationToken.None)).Version.Next();

        var inserts = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => table.InsertRowAsync(entry, version, CancellationToken.None))));
        Assert.Single(inserts, won => won);

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await Task.WhenAll(Enumerable.Range(0, 19).Select(i => Task.Run(async () =>
        {
            while (true)
            {
                deadline.Token.ThrowIfCancellationRequested();
                var read = await table.ReadRowAsync(entry.SiloAddress, CancellationToken.None);
                var (stored, etag) = read.Members.Single();
                stored.AddOrUpdateSuspector(SiloAddress.New(IPAddress.Loopback, 41_000 + i, 1), Truncated(DateTime.UtcNow), 20);
                if (await table.UpdateRowAsync(stored, etag, read.Version.Next(), CancellationToken.None)) return;
            }
        })));

        var final = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(20, final.Version.Version);
        Assert.Equal(19, Assert.Single(final.Members).Item1.SuspectTimes!.Count);
    }

    [Fact]
    public async Task A_heartbeat_changes_neither_the_version_nor_the_row_etag_read_before_it()
    {
        var table = await CreateTableAsync(_clusterId);
        var entry = NewEntry(SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var before = await table.ReadAllAsync(CancellationToken.None);
        var (_, etag) = before.Members.Single();

        var heartbeat = Truncated(DateTime.UtcNow.AddSeconds(30));
        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = heartbeat }, CancellationToken.None);

        var after = await table.ReadAllAsync(CancellationToken.None);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(heartbeat, after.Members.Single().Item1.IAmAliveTime);
        entry.Status = SiloStatus.ShuttingDown;
        Assert.True(await table.UpdateRowAsync(entry, etag, after.Version.Next(), CancellationToken.None), "an update with the ETag read before the heartbeat");
    }

    [Fact]
    public async Task Cleanup_removes_only_dead_silos_last_seen_before_the_cutoff()
    {
        var table = await CreateTableAsync(_clusterId);
        var now = Truncated(DateTime.UtcNow);
        var old = Enum.GetValues<SiloStatus>().Select(status => NewEntry(status, lastSeen: now.AddDays(-10))).ToList();
        var recentDead = NewEntry(SiloStatus.Dead, lastSeen: now.AddDays(-10));
        recentDead.AddSuspector(SiloAddress.New(IPAddress.Loopback, 42_000, 1), now); // a recent vote counts as a sign of life
        var justDead = NewEntry(SiloStatus.Dead);
        foreach (var entry in old.Append(recentDead).Append(justDead))
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        await table.CleanupDefunctSiloEntriesAsync(now.AddDays(-3), CancellationToken.None);

        var left = (await table.ReadAllAsync(CancellationToken.None)).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        var expected = old.Where(e => e.Status != SiloStatus.Dead).Append(recentDead).Append(justDead).Select(e => e.SiloAddress);
        Assert.Equal(expected.OrderBy(a => a.Endpoint.Port), left.OrderBy(a => a.Endpoint.Port));
    }

    [Fact]
    public async Task Clients_are_given_the_gateways_of_active_silos_only()
    {
        var table = await CreateTableAsync(_clusterId);
        var entries = Enumerable.Range(0, 10).Select(_ => NewEntry(SiloStatus.Joining)).ToArray();
        entries[3].Status = SiloStatus.Active;
        entries[3].ProxyPort = 0; // an active silo without a gateway
        entries[5].Status = SiloStatus.Active;
        entries[9].Status = SiloStatus.Active;
        entries[7].Status = SiloStatus.Dead;
        foreach (var entry in entries)
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        var gateways = new MembershipGatewayListProvider(table, Options.Create(new GatewayOptions()));
        await gateways.InitializeGatewayListProviderAsync(CancellationToken.None);

        var uris = await gateways.GetGatewaysAsync(CancellationToken.None);

        Assert.Equal(
            new[] { entries[5], entries[9] }.Select(e => SiloAddress.New(e.SiloAddress.Endpoint.Address, e.ProxyPort, e.SiloAddress.Generation).ToGatewayUri()).OrderBy(u => u.ToString()),
            uris.OrderBy(u => u.ToString()));
        Assert.True(gateways.IsUpdatable);
    }

    [Fact]
    public async Task A_heartbeat_for_a_silo_whose_row_is_gone_does_not_bring_it_back()
    {
        var table = await CreateTableAsync(_clusterId);
        var before = await table.ReadAllAsync(CancellationToken.None);

        await table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = NewEntry(SiloStatus.Active).SiloAddress, IAmAliveTime = DateTime.UtcNow }, CancellationToken.None);

        var after = await table.ReadAllAsync(CancellationToken.None);
        Assert.Empty(after.Members);
        Assert.Equal(before.Version, after.Version);
    }

    [Fact]
    public async Task A_cancelled_call_is_abandoned()
    {
        var table = await CreateTableAsync(_clusterId);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => table.ReadAllAsync(cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => table.InsertRowAsync(NewEntry(SiloStatus.Joining), new TableVersion(1, "x"), cancelled.Token));
        Assert.Empty((await table.ReadAllAsync(CancellationToken.None)).Members);
    }

    [Fact]
    public async Task Deleting_a_cluster_removes_its_rows_and_version_and_nothing_of_another_cluster()
    {
        var table = await CreateTableAsync(_clusterId);
        var other = await CreateTableAsync(_clusterId + "-other");
        Assert.True(await table.InsertRowAsync(NewEntry(SiloStatus.Active), (await table.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));
        Assert.True(await other.InsertRowAsync(NewEntry(SiloStatus.Active), (await other.ReadAllAsync(CancellationToken.None)).Version.Next(), CancellationToken.None));

        await table.DeleteMembershipTableEntriesAsync(_clusterId, CancellationToken.None);

        Assert.Empty((await table.ReadAllAsync(CancellationToken.None)).Members);
        Assert.Single((await other.ReadAllAsync(CancellationToken.None)).Members);
        await table.InitializeMembershipTableAsync(true, CancellationToken.None);
        Assert.Equal(0, (await table.ReadAllAsync(CancellationToken.None)).Version.Version);
    }

    private static MembershipEntry NewEntry(SiloStatus status, DateTime? lastSeen = null)
    {
        var port = Interlocked.Increment(ref _nextPort);
        var seen = lastSeen ?? Truncated(DateTime.UtcNow);
        return new MembershipEntry
        {
            SiloAddress = SiloAddress.New(IPAddress.Loopback, port, 7),
            Status = status,
            ProxyPort = port + 1,
            HostName = "host-" + port,
            SiloName = "silo-" + port,
            StartTime = seen.AddMinutes(-1),
            IAmAliveTime = seen,
        };
    }

    /// <summary>Providers keep times to the second or better; comparing at whole seconds keeps the check fair to all.</summary>
    private static DateTime Truncated(DateTime time) => new(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);

    private static void AssertSame(MembershipEntry expected, MembershipEntry actual)
    {
        Assert.Equal(expected.SiloAddress, actual.SiloAddress);
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.ProxyPort, actual.ProxyPort);
        Assert.Equal(expected.HostName, actual.HostName);
        Assert.Equal(expected.SiloName, actual.SiloName);
        Assert.Equal(expected.StartTime, actual.StartTime);
        Assert.Equal(expected.IAmAliveTime, actual.IAmAliveTime);
        Assert.Equal(expected.SuspectTimes ?? [], actual.SuspectTimes ?? []);
    }
}
