using Microsoft.Extensions.Logging.Abstractions;
using Moneta.GrainModel;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;

namespace Moneta.Tests.Runtime;

public sealed class GrainRuntimeTests
{
    [Fact]
    public async Task Concurrent_calls_to_one_grain_never_interleave()
    {
        var (runtime, services) = TestRuntime.Create(new InMemoryGrainStorage());
        await using var _ = services;

        var counters = Enumerable.Range(0, 8).Select(i => runtime.GetGrain<ICounterGrain>($"counter-{i}")).ToList();
        await Task.WhenAll(Enumerable.Range(0, 2000).Select(i => Task.Run(() => counters[i % counters.Count].Increment())));

        foreach (var counter in counters)
            Assert.Equal(250, await counter.Value());
    }

    [Fact]
    public async Task Calls_run_in_arrival_order()
    {
        var (runtime, services) = TestRuntime.Create(new InMemoryGrainStorage());
        await using var _ = services;
        var counter = runtime.GetGrain<ICounterGrain>("ordered");

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => counter.Increment()));

        Assert.Equal(Enumerable.Range(1, 100), results);
    }

    [Fact]
    public async Task Idle_grain_is_deactivated_and_reactivated_from_storage()
    {
        var log = new ActivationLog();
        var (runtime, services) = TestRuntime.Create(new InMemoryGrainStorage(), o =>
        {
            o.IdleTimeout = TimeSpan.FromMilliseconds(200);
            o.CollectionInterval = TimeSpan.FromMilliseconds(50);
        }, log);
        await using var _ = services;
        var counter = runtime.GetGrain<ICounterGrain>("idle");
        await counter.Increment();
        await counter.Increment();
        Assert.Equal(1, await counter.ActivationNumber());

        await Eventually.TrueAsync(() => Task.FromResult(log.DeactivationsOf("idle") == 1), because: "the idle activation is collected");
        Assert.Equal(0, runtime.ActivationCount);

        Assert.Equal(3, await counter.Increment());
        Assert.Equal(2, await counter.ActivationNumber());
    }

    [Fact]
    public async Task Least_recently_used_activations_go_first_when_the_cap_is_reached()
    {
        var log = new ActivationLog();
        var (runtime, services) = TestRuntime.Create(new InMemoryGrainStorage(), o => o.MaxActivations = 10, log);
        await using var _ = services;

        for (var i = 0; i < 10; i++)
            await runtime.GetGrain<ICounterGrain>($"lru-{i}").Increment();
        await runtime.GetGrain<ICounterGrain>("lru-0").Increment(); // lru-0 is now the most recently used
        await runtime.GetGrain<ICounterGrain>("lru-10").Increment(); // the 11th activation crosses the cap

        await Eventually.TrueAsync(() => Task.FromResult(runtime.ActivationCount <= 9), because: "eviction brings the count under the cap");
        Assert.Equal(1, log.DeactivationsOf("lru-1"));
        Assert.Equal(0, log.DeactivationsOf("lru-0"));
        Assert.Equal(0, log.DeactivationsOf("lru-10"));
        Assert.Equal(2, await runtime.GetGrain<ICounterGrain>("lru-1").Increment());
    }

    [Fact]
    public async Task Two_runtimes_on_one_store_never_lose_an_update()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "shared.db");
        await using var sqliteA = new SqliteGrainStorage(new SqliteStorageOptions { Path = path }, NullLogger<SqliteGrainStorage>.Instance);
        await using var sqliteB = new SqliteGrainStorage(new SqliteStorageOptions { Path = path }, NullLogger<SqliteGrainStorage>.Instance);
        var (storeA, storeB) = (new ConflictCountingStorage(sqliteA), new ConflictCountingStorage(sqliteB));
        var (siloA, servicesA) = TestRuntime.Create(storeA);
        var (siloB, servicesB) = TestRuntime.Create(storeB);
        await using var _ = servicesA;
        await using var __ = servicesB;

        var onA = siloA.GetGrain<ICounterGrain>("shared");
        var onB = siloB.GetGrain<ICounterGrain>("shared");

        // Both silos activate the grain before anything is written, so both hold the same (empty) state: whichever
        // writes second presents a stale ETag. Without this the collision would depend on thread timing.
        Assert.Equal(0, await onA.Value());
        Assert.Equal(0, await onB.Value());

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
        {
            try
            {
                await (i % 2 == 0 ? onA : onB).Increment();
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        // The silos did collide, and every acknowledged increment is in storage; a refused one (ETag conflict after
        // one retry) is not.
        Assert.True(storeA.Conflicts + storeB.Conflicts >= 1, "the two silos never wrote over each other's ETag");
        Assert.True(outcomes.Count(ok => !ok) <= storeA.Conflicts + storeB.Conflicts);
        var record = await sqliteA.ReadAsync(new Moneta.Runtime.GrainId("counter", "shared"));
        var stored = System.Text.Json.JsonDocument.Parse(record!.Data).RootElement.GetProperty("value").GetInt32();
        Assert.Equal(outcomes.Count(ok => ok), stored);
        Assert.True(stored > 0);
    }

    [Fact]
    public async Task A_call_cycle_fails_with_a_timeout_instead_of_hanging()
    {
        var (runtime, services) = TestRuntime.Create(new InMemoryGrainStorage(), o => o.CallTimeout = TimeSpan.FromMilliseconds(500));
        await using var _ = services;

        await Assert.ThrowsAnyAsync<TimeoutException>(() => runtime.GetGrain<IPingGrain>("a").PingThrough("b"));

        // The grains are usable again afterwards.
        var counter = runtime.GetGrain<ICounterGrain>("after-cycle");
        Assert.Equal(1, await counter.Increment());
    }

    [Fact]
    public async Task Metrics_count_calls_errors_and_activations_per_grain_type()
    {
        var (runtime, services) = TestRuntime.Create(new InMemoryGrainStorage(), o => o.CallTimeout = TimeSpan.FromMilliseconds(300));
        await using var _ = services;
        await runtime.GetGrain<ICounterGrain>("m1").Increment();
        await runtime.GetGrain<ICounterGrain>("m2").Increment();
        await Assert.ThrowsAnyAsync<TimeoutException>(() => runtime.GetGrain<IPingGrain>("x").PingThrough("y"));

        var snapshot = runtime.Metrics.Snapshot();

        var increments = snapshot.Methods.Single(m => m.GrainType == "counter" && m.Method == "Increment");
        Assert.Equal(2, increments.Calls);
        Assert.Equal(0, increments.Errors);
        Assert.Equal(2, increments.Histogram.Sum(b => b.Count));
        Assert.True(snapshot.Methods.Single(m => m.GrainType == "ping" && m.Method == "PingThrough").Errors >= 1);
        Assert.Equal(2, snapshot.ActivationsByType["counter"]);
    }
}
