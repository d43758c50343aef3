using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moneta.GrainModel;
using Moneta.Runtime.Hosting;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Storage;

namespace Moneta.Benchmarks;

/// <summary>A grain with one counter: the smallest thing that exercises a grain call and the outbox state facet.</summary>
[Alias("Moneta.Benchmarks.IBenchCounterGrain")]
public interface IBenchCounterGrain : IGrainWithStringKey
{
    Task<int> Get();

    Task<int> Increment();
}

[GenerateSerializer, Immutable, Alias("Moneta.Benchmarks.BenchCounterState")]
public sealed record BenchCounterState
{
    [Id(0)]
    public int Value { get; init; }
}

[GrainType("benchcounter")]
public sealed class BenchCounterGrain([OutboxState] IOutboxState<BenchCounterState> state) : Grain, IBenchCounterGrain
{
    public Task<int> Get() => Task.FromResult(state.State.Value);

    public async Task<int> Increment()
    {
        state.State = state.State with { Value = state.State.Value + 1 };
        await state.WriteStateAsync();
        return state.State.Value;
    }
}

/// <summary>
/// Calls from inside an Orleans silo (as Moneta's front door makes them) to activations that are already in memory,
/// with <see cref="InMemoryStateStore"/> behind them: the runtime's own overhead per call, no I/O.
/// </summary>
[MemoryDiagnoser]
public class GrainCallBenchmarks : IDisposable
{
    private const int FanOut = 64;

    private IHost _silo = null!;
    private IGrainFactory _grains = null!;
    private IBenchCounterGrain _grain = null!;
    private IBenchCounterGrain[] _fanOut = null!;

    [GlobalSetup]
    public void Setup()
    {
        _silo = new HostBuilder()
            .UseOrleans(silo => silo
                .UseLocalhostClustering(siloPort: 11_311, gatewayPort: 0)
                .AddMonetaRuntime(new OutboxOptions(), new InMemoryStateStore()))
            .Build();
        _silo.Start();
        _grains = _silo.Services.GetRequiredService<IGrainFactory>();

        _grain = _grains.GetGrain<IBenchCounterGrain>("single");
        _fanOut = [.. Enumerable.Range(0, FanOut).Select(i => _grains.GetGrain<IBenchCounterGrain>($"fan-out-{i}"))];

        // Activate everything up front: the benchmarks measure calls to live activations.
        Task.WhenAll(_fanOut.Select(g => g.Get()).Append(_grain.Get())).GetAwaiter().GetResult();
    }

    [Benchmark(Description = "Grain: GetGrain (reference only)")]
    public IBenchCounterGrain GetReference() => _grains.GetGrain<IBenchCounterGrain>("single");

    [Benchmark(Description = "Grain: call, read in-memory state")]
    public Task<int> CallRead() => _grain.Get();

    [Benchmark(Description = "Grain: call, write state (InMemoryStateStore)")]
    public Task<int> CallWrite() => _grain.Increment();

    [Benchmark(OperationsPerInvoke = FanOut, Description = "Grain: 64 concurrent calls to 64 grains (per call)")]
    public Task CallFanOut()
    {
        var calls = new Task<int>[FanOut];
        for (var i = 0; i < FanOut; i++)
            calls[i] = _fanOut[i].Get();
        return Task.WhenAll(calls);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _silo.StopAsync().GetAwaiter().GetResult();
        _silo.Dispose();
        GC.SuppressFinalize(this);
    }
}
