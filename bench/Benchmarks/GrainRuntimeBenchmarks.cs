using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Moneta.GrainModel;
using Moneta.Runtime;
using Moneta.Runtime.Storage;

namespace Moneta.Benchmarks;

/// <summary>A grain with one counter: the smallest thing that exercises the runtime's call path and its state handle.</summary>
public interface IBenchCounterGrain : IGrainWithStringKey
{
    Task<int> Get();

    Task<int> Increment();
}

public sealed class BenchCounterState
{
    public int Value { get; init; }
}

public sealed class BenchCounterGrain(IPersistentState<BenchCounterState> state) : Grain, IBenchCounterGrain
{
    public Task<int> Get() => Task.FromResult(state.State.Value);

    public async Task<int> Increment()
    {
        state.State = new BenchCounterState { Value = state.State.Value + 1 };
        await state.WriteStateAsync();
        return state.State.Value;
    }
}

/// <summary>
/// Calls through <see cref="GrainRuntime"/> (proxy, mailbox, metrics) to activations that are already in memory,
/// with <see cref="InMemoryStateStore"/> behind them: the runtime's own overhead, no I/O.
/// </summary>
[MemoryDiagnoser]
public class GrainRuntimeBenchmarks : IDisposable
{
    private const int FanOut = 64;

    private ServiceProvider _services = null!;
    private IGrainFactory _grains = null!;
    private IBenchCounterGrain _grain = null!;
    private IBenchCounterGrain[] _fanOut = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IGrainStorage>(new InMemoryStateStore());
        services.AddGrainRuntime(grains: registry => registry.Register<IBenchCounterGrain, BenchCounterGrain>());
        _services = services.BuildServiceProvider();
        _grains = _services.GetRequiredService<IGrainFactory>();

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
        // GrainRuntime is only IAsyncDisposable, so the container must be disposed asynchronously.
        _services.DisposeAsync().AsTask().GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }
}
