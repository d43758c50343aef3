using Moneta.GrainModel;
using Orleans.Storage;

namespace Moneta.Runtime.State;

/// <summary>
/// The <see cref="IOutboxState{TState}"/> facet. It reads the state when the activation is set up (before its first
/// call) and never again: Orleans keeps one activation per grain in the cluster, so afterwards nobody else writes
/// it. A write carries the turn's outbox; if it fails, or the turn ends without writing what it changed, the state
/// goes back to what is stored, because a grain must never answer from a state that storage does not hold. A stale ETag (another writer, which only a broken cluster
/// or a second cluster on the same store can be) surfaces as Orleans' <see cref="InconsistentStateException"/>,
/// on which Orleans deactivates this activation: the next call starts from the winner's state.
/// </summary>
internal sealed class OutboxState<TState> : IOutboxState<TState>, ILifecycleObserver, IStoredState
    where TState : class, new()
{
    private readonly string _stateName;
    private readonly IGrainContext _grain;
    private readonly IGrainStorage _storage;
    private readonly GrainOutbox _outbox;
    private readonly OutboxGrainState<TState> _record = new(new TState());
    private TState _stored;

    public OutboxState(string stateName, IGrainContext grain, IGrainStorage storage, GrainOutbox outbox)
    {
        _stateName = stateName;
        _grain = grain;
        _storage = storage;
        _outbox = outbox;
        _stored = _record.State;
        outbox.Track(this);
        grain.ObservableLifecycle.Subscribe($"{nameof(OutboxState<TState>)}.{stateName}", GrainLifecycleStage.SetupState, this);
    }

    public TState State
    {
        get => _record.State;
        set => _record.State = value;
    }

    public string? Etag => _record.ETag;

    public bool RecordExists => _record.RecordExists;

    public IGrainOutbox Outbox => _outbox;

    public Task OnStart(CancellationToken cancellationToken = default) => ReadStateAsync();

    public Task OnStop(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task ReadStateAsync()
    {
        await _storage.ReadStateAsync(_stateName, _grain.GrainId, _record);
        _stored = _record.State;
    }

    public async Task WriteStateAsync()
    {
        _record.Messages = _outbox.Drain();
        try
        {
            await _storage.WriteStateAsync(_stateName, _grain.GrainId, _record);
            _stored = _record.State;
        }
        catch
        {
            _record.State = _stored;
            throw;
        }
        finally
        {
            _record.Messages = [];
        }
    }

    public void RevertToStored() => _record.State = _stored;

    public async Task ClearStateAsync()
    {
        _outbox.Discard();
        await _storage.ClearStateAsync(_stateName, _grain.GrainId, _record);
        _stored = _record.State;
    }
}
