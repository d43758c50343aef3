using Microsoft.Extensions.Logging.Abstractions;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;
using Orleans.Storage;

namespace Moneta.Tests.Runtime;

/// <summary>
/// Orleans' grain storage contract (the semantics its TestKit checks), through <see cref="MonetaGrainStorage"/> on
/// every store: a missing record reads as a new state; a null ETag inserts only; a stale ETag is refused with
/// <see cref="InconsistentStateException"/>; every write gives a new ETag; a clear is conditional and leaves a new
/// state; each state name of a grain is its own record.
/// </summary>
public sealed class GrainStorageContractTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public static TheoryData<string> Providers => ["memory", "sqlite", "dynamodb"];

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_record_never_written_reads_as_a_new_state_without_an_etag(string provider)
    {
        var storage = Create(provider);
        var state = new GrainState<CounterState>(new CounterState { Value = 42 }, "stale");

        await storage.ReadStateAsync("state", Grain(), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State!.Value);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_null_etag_inserts_only_and_a_stale_one_is_refused(string provider)
    {
        var storage = Create(provider);
        var id = Grain();
        var first = new GrainState<CounterState>(new CounterState { Value = 1 });
        await storage.WriteStateAsync("state", id, first);
        Assert.True(first.RecordExists);
        Assert.NotNull(first.ETag);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", id, new GrainState<CounterState>(new CounterState { Value = 9 })));

        var staleETag = first.ETag;
        first.State = new CounterState { Value = 2 };
        await storage.WriteStateAsync("state", id, first);
        Assert.NotEqual(staleETag, first.ETag);
        var stale = new GrainState<CounterState>(new CounterState { Value = 9 }, staleETag);
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("state", id, stale));

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync("state", id, read);
        Assert.Equal((2, first.ETag, true), (read.State!.Value, read.ETag, read.RecordExists));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Writing_the_same_state_again_gives_a_new_etag(string provider)
    {
        var storage = Create(provider);
        var id = Grain();
        var state = new GrainState<CounterState>(new CounterState { Value = 1 });
        await storage.WriteStateAsync("state", id, state);
        var before = state.ETag;

        await storage.WriteStateAsync("state", id, state);

        Assert.NotEqual(before, state.ETag);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_clear_is_conditional_and_then_the_record_reads_as_new(string provider)
    {
        var storage = Create(provider);
        var id = Grain();
        var state = new GrainState<CounterState>(new CounterState { Value = 5 });
        await storage.WriteStateAsync("state", id, state);
        var stale = new GrainState<CounterState>(new CounterState(), "not-the-etag");
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("state", id, stale));

        await storage.ClearStateAsync("state", id, state);
        Assert.False(state.RecordExists);
        Assert.NotNull(state.State);

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync("state", id, read);
        Assert.False(read.RecordExists);

        // A state cleared can be written again from scratch.
        await storage.WriteStateAsync("state", id, new GrainState<CounterState>(new CounterState { Value = 6 }));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Each_state_name_of_a_grain_is_its_own_record(string provider)
    {
        var storage = Create(provider);
        var id = Grain();
        await storage.WriteStateAsync("state", id, new GrainState<CounterState>(new CounterState { Value = 1 }));
        await storage.WriteStateAsync("other", id, new GrainState<CounterState>(new CounterState { Value = 2 }));

        var (main, other) = (new GrainState<CounterState>(), new GrainState<CounterState>());
        await storage.ReadStateAsync("state", id, main);
        await storage.ReadStateAsync("other", id, other);
        Assert.Equal((1, 2), (main.State!.Value, other.State!.Value));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task A_state_beyond_the_item_limit_is_refused_and_nothing_is_written(string provider)
    {
        var storage = Create(provider);
        var id = Grain();
        var state = new GrainState<CounterState>(new CounterState { Padding = new string('x', MonetaGrainStorage.MaxStateBytes) });

        await Assert.ThrowsAsync<Moneta.GrainModel.GrainRecordTooLargeException>(() => storage.WriteStateAsync("state", id, state));

        var read = new GrainState<CounterState>();
        await storage.ReadStateAsync("state", id, read);
        Assert.False(read.RecordExists);
    }

    public void Dispose() => _directory.Dispose();

    private static GrainId Grain() => GrainId.Create("counter", Guid.NewGuid().ToString("N"));

    private MonetaGrainStorage Create(string provider)
    {
        IGrainStateStore store = provider switch
        {
            "memory" => new InMemoryStateStore(),
            "dynamodb" => DynamoDbLocal.CreateStorage(),
            _ => new SqliteStateStore(new SqliteStorageOptions { Path = Path.Combine(_directory.Path, $"{Guid.NewGuid():N}.db") }, NullLogger<SqliteStateStore>.Instance),
        };
        return new MonetaGrainStorage(store, new GrainStateSerializer(), new OutboxSignal(), TimeProvider.System, NullLogger<MonetaGrainStorage>.Instance);
    }
}
