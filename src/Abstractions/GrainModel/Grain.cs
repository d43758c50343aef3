namespace Moneta.GrainModel;

/// <summary>
/// Base class of every grain. The runtime calls one method at a time on an activation, in arrival order,
/// so grain code never needs a lock.
/// </summary>
public abstract class Grain : IGrainLifecycle
{
    private IGrainContext? _context;

    /// <summary>The grain's identity within its type.</summary>
    protected string GrainKey => Context.Key;

    protected IGrainFactory GrainFactory => Context.GrainFactory;

    /// <summary>
    /// Events and reminders to commit with this turn's next state write (the outbox): they are stored only if that
    /// write succeeds, and delivered after it, at least once, even if the silo dies in between.
    /// </summary>
    protected IGrainOutbox Outbox => Context.Outbox;

    private IGrainContext Context => _context ?? throw new InvalidOperationException("The grain has not been activated by a runtime.");

    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    void IGrainLifecycle.Bind(IGrainContext context) => _context = context;
}

/// <summary>What the runtime tells a grain about itself.</summary>
public interface IGrainContext
{
    string GrainType { get; }

    string Key { get; }

    IGrainFactory GrainFactory { get; }

    IGrainOutbox Outbox { get; }
}

/// <summary>The runtime's hooks into a grain; grain code does not call these.</summary>
public interface IGrainLifecycle
{
    void Bind(IGrainContext context);

    Task OnActivateAsync(CancellationToken cancellationToken);

    Task OnDeactivateAsync(CancellationToken cancellationToken);
}
