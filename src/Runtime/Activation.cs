using Moneta.GrainModel;
using Moneta.Runtime.Messaging;

namespace Moneta.Runtime;

/// <summary>
/// One live instance of a grain on this silo, with its mailbox. Calls run one at a time, in arrival order; the
/// first call activates the grain (constructs it and reads its state) before running.
/// </summary>
internal sealed class Activation(GrainId id, GrainType grainType, GrainRuntime runtime) : IGrainContext
{
    private readonly Lock _lock = new();
    private readonly Queue<WorkItem> _mailbox = new();
    private bool _running;
    private bool _closed;
    private Grain? _grain;
    private readonly GrainOutbox _outbox = new(id, runtime.Registry, runtime.Serializer, runtime.TimeProvider);

    public GrainId Id { get; } = id;

    public long LastUsedTimestamp { get; private set; } = runtime.TimeProvider.GetTimestamp();

    string IGrainContext.GrainType => Id.Type;

    string IGrainContext.Key => Id.Key;

    IGrainFactory IGrainContext.GrainFactory => runtime;

    IGrainOutbox IGrainContext.Outbox => _outbox;

    /// <summary>False once the activation is closed; the caller then routes the call to a new activation.</summary>
    public bool TryEnqueue(WorkItem item)
    {
        lock (_lock)
        {
            if (_closed) return false;
            _mailbox.Enqueue(item);
            if (_running) return true;
            _running = true;
        }

        ThreadPool.UnsafeQueueUserWorkItem(static activation => _ = activation.PumpAsync(), this, preferLocal: false);
        return true;
    }

    /// <summary>Closes the activation if it is idle: nothing running and nothing waiting.</summary>
    public bool TryClose()
    {
        lock (_lock)
        {
            if (_running || _mailbox.Count > 0 || _closed) return false;
            _closed = true;
            return true;
        }
    }

    public async Task DeactivateAsync()
    {
        if (_grain is not IGrainLifecycle lifecycle) return;
        using var timeout = new CancellationTokenSource(runtime.Options.CallTimeout);
        await lifecycle.OnDeactivateAsync(timeout.Token);
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            WorkItem? item;
            lock (_lock)
            {
                if (!_mailbox.TryDequeue(out item))
                {
                    _running = false;
                    return;
                }
            }

            if (item.IsAbandoned) continue;

            if (_grain is null && !await TryActivateAsync(item)) return;

            _outbox.Discard(); // what an earlier turn left unwritten belongs to no state
            await item.RunAsync(_grain!);
            LastUsedTimestamp = runtime.TimeProvider.GetTimestamp();

            // The state this activation holds is stale: drop it so the next call reads the winner's state.
            if (item.FailedWith is InconsistentStateException)
            {
                CloseAndReroute();
                return;
            }
        }
    }

    private async Task<bool> TryActivateAsync(WorkItem firstCall)
    {
        try
        {
            var (grain, state) = grainType.Create(runtime, Id, _outbox);
            ((IGrainLifecycle)grain).Bind(this);
            if (state is not null) await state.ReadStateAsync();
            using var timeout = new CancellationTokenSource(runtime.Options.CallTimeout);
            await ((IGrainLifecycle)grain).OnActivateAsync(timeout.Token);
            _grain = grain;
            runtime.Metrics.Activated(Id.Type);
            return true;
        }
        catch (Exception e)
        {
            firstCall.Fail(e);
            CloseAndReroute();
            return false;
        }
    }

    /// <summary>Closes this activation and sends the calls still waiting to a fresh one.</summary>
    private void CloseAndReroute()
    {
        List<WorkItem> waiting;
        lock (_lock)
        {
            _closed = true;
            _running = false;
            waiting = [.. _mailbox];
            _mailbox.Clear();
        }

        runtime.Remove(this, wasActive: _grain is not null);
        foreach (var item in waiting)
            item.Reroute();
    }
}
