using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Moneta.GrainModel;
using Moneta.Runtime.Metrics;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;
using Orleans.Configuration;
using Orleans.Storage;

namespace Moneta.Tests.Runtime;

/// <summary>
/// What Moneta relies on Orleans for, and what its own state facet adds, proven on TestingHost clusters: one
/// activation per grain in the cluster, running one call at a time; state read once and trusted; idle activations
/// collected and reactivated from storage; a lost write race or a failed write never leaves a grain answering from a
/// state that is not stored.
/// </summary>
public sealed class ActivationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    [Fact]
    public async Task Calls_through_two_silos_reach_one_activation_that_runs_them_one_at_a_time()
    {
        var log = new ActivationLog();
        await using var cluster = await RuntimeCluster.StartAsync(new InMemoryStateStore(), silos: 2, log);
        var factories = cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<IGrainFactory>()).ToList();

        var keys = Enumerable.Range(0, 8).Select(i => $"counter-{i}").ToList();
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => Task.Run(() =>
            factories[i % 2].GetGrain<ICounterGrain>(keys[i % keys.Count]).Increment())));

        foreach (var key in keys)
        {
            Assert.Equal(250, await cluster.Client.GetGrain<ICounterGrain>(key).Value());
            Assert.Equal(1, log.ActivationsOf(key));
        }
    }

    [Fact]
    public async Task An_idle_grain_is_deactivated_and_reactivated_from_storage()
    {
        var log = new ActivationLog();
        await using var cluster = await RuntimeCluster.StartAsync(new InMemoryStateStore(), log: log, configure: silo => silo.Configure<GrainCollectionOptions>(o =>
        {
            o.CollectionAge = TimeSpan.FromSeconds(2);
            o.CollectionQuantum = TimeSpan.FromMilliseconds(500);
        }));
        var counter = cluster.Client.GetGrain<ICounterGrain>("idle");
        await counter.Increment();
        await counter.Increment();
        Assert.Equal(1, await counter.ActivationNumber());

        await Eventually.TrueAsync(() => Task.FromResult(log.DeactivationsOf("idle") == 1), because: "the idle activation is collected");

        Assert.Equal(3, await counter.Increment());
        Assert.Equal(2, await counter.ActivationNumber());
    }

    [Fact]
    public async Task A_write_that_fails_leaves_the_grain_answering_from_the_stored_state()
    {
        await using var cluster = await RuntimeCluster.StartAsync(new InMemoryStateStore());
        var counter = cluster.Client.GetGrain<ICounterGrain>("too-large");
        await counter.Increment();

        await Assert.ThrowsAsync<GrainRecordTooLargeException>(counter.IncrementBeyondTheStorageLimit);

        Assert.Equal(1, await counter.Value());
        Assert.Equal(2, await counter.Increment());
    }

    [Fact]
    public async Task A_turn_that_fails_before_writing_leaves_nothing_of_its_change_for_the_next_turn()
    {
        await using var cluster = await RuntimeCluster.StartAsync(new InMemoryStateStore());
        var counter = cluster.Client.GetGrain<ICounterGrain>("unwritten");
        await counter.Increment();

        await Assert.ThrowsAsync<InvalidOperationException>(counter.IncrementInMemoryThenFail);

        Assert.Equal(1, await counter.Value());
        Assert.Equal(2, await counter.Increment());
    }

    [Fact]
    public async Task Two_clusters_on_one_store_never_lose_an_update_the_loser_starts_again_from_the_winners_state()
    {
        var path = Path.Combine(_directory.Path, "shared.db");
        await using var storeA = new SqliteStateStore(new SqliteStorageOptions { Path = path }, NullLogger<SqliteStateStore>.Instance);
        await using var storeB = new SqliteStateStore(new SqliteStorageOptions { Path = path }, NullLogger<SqliteStateStore>.Instance);
        await using var clusterA = await RuntimeCluster.StartAsync(storeA);
        await using var clusterB = await RuntimeCluster.StartAsync(storeB);
        var onA = clusterA.Client.GetGrain<ICounterGrain>("shared");
        var onB = clusterB.Client.GetGrain<ICounterGrain>("shared");

        // A misconfigured deployment: two clusters, so two activations. Both read the empty state before either writes.
        Assert.Equal(0, await onA.Value());
        Assert.Equal(0, await onB.Value());
        Assert.Equal(1, await onA.Increment());

        // B's ETag is stale: its write is refused, and Orleans drops B's activation with its stale state...
        await Assert.ThrowsAsync<InconsistentStateException>(onB.Increment);

        // ...so B's next call reads A's write and builds on it.
        Assert.Equal(2, await onB.Increment());
        Assert.Equal(2, await onB.Value());
    }

    [Fact]
    public async Task A_call_cycle_fails_with_orleans_response_timeout_instead_of_hanging()
    {
        await using var cluster = await RuntimeCluster.StartAsync(new InMemoryStateStore(), configure: silo =>
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(1)));

        await Assert.ThrowsAnyAsync<TimeoutException>(() => cluster.Silos[0].ServiceProvider.GetRequiredService<IGrainFactory>().GetGrain<IPingGrain>("a").PingThrough("b"));

        // The grains are usable again afterwards.
        Assert.Equal(1, await cluster.Client.GetGrain<ICounterGrain>("after-cycle").Increment());
    }

    [Fact]
    public async Task Grain_calls_are_measured_per_interface_and_method_with_their_outcome()
    {
        var calls = new List<(string Interface, string Method, string Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GrainCallMetrics.MeterName) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            var values = tags.ToArray().ToDictionary(t => t.Key, t => (string)t.Value!);
            lock (calls) calls.Add((values["grain_interface"], values["method"], values["outcome"]));
        });
        listener.Start();
        await using var cluster = await RuntimeCluster.StartAsync(new InMemoryStateStore());

        await cluster.Client.GetGrain<ICounterGrain>("m1").Increment();
        await cluster.Client.GetGrain<ICounterGrain>("m2").Increment();
        await Assert.ThrowsAsync<InvalidOperationException>(cluster.Client.GetGrain<ICounterGrain>("m3").IncrementThenFail);

        List<(string Interface, string Method, string Outcome)> seen;
        lock (calls) seen = [.. calls.Where(c => c.Interface.Contains("ICounterGrain", StringComparison.Ordinal))];
        Assert.Equal(2, seen.Count(c => c is { Method: "Increment", Outcome: "ok" }));
        Assert.Single(seen, c => c is { Method: "IncrementThenFail", Outcome: "error" });
    }

    public void Dispose() => _directory.Dispose();
}
