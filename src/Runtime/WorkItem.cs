using Moneta.GrainModel;

namespace Moneta.Runtime;

/// <summary>A call waiting in an activation's mailbox.</summary>
internal abstract class WorkItem
{
    private readonly ExecutionContext? _callerContext = ExecutionContext.Capture();

    /// <summary>The caller stopped waiting (timeout): running it would do work nobody will see.</summary>
    public abstract bool IsAbandoned { get; }

    public Exception? FailedWith { get; protected set; }

    public abstract void Fail(Exception error);

    /// <summary>The activation closed before this ran: the caller sends it again.</summary>
    public void Reroute() => Fail(new ActivationClosedException());

    /// <summary>Runs the call in the caller's execution context, so trace context and similar flow into the grain.</summary>
    public Task RunAsync(Grain grain)
    {
        if (_callerContext is null) return RunCoreAsync(grain);
        Task? run = null;
        ExecutionContext.Run(_callerContext, _ => run = RunCoreAsync(grain), null);
        return run!;
    }

    protected abstract Task RunCoreAsync(Grain grain);
}

internal sealed class WorkItem<T>(Func<Grain, Task<T>> call) : WorkItem
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Completion => _completion.Task;

    public override bool IsAbandoned => _completion.Task.IsCompleted;

    public override void Fail(Exception error)
    {
        FailedWith = error;
        _completion.TrySetException(error);
    }

    protected override async Task RunCoreAsync(Grain grain)
    {
        try
        {
            _completion.TrySetResult(await call(grain));
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }
}

/// <summary>Internal signal: the activation closed under the call; it is sent to a new activation.</summary>
internal sealed class ActivationClosedException : Exception;
