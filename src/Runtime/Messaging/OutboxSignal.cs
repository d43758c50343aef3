namespace Moneta.Runtime.Messaging;

/// <summary>
/// Wakes this silo's relay when a write has committed messages that are due now, so that an event is delivered
/// within moments instead of at the next poll. Messages written by other silos are found by polling.
/// </summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the relay will look once more, which covers this write too.
        }
    }

    /// <summary>True when signalled, false when <paramref name="timeout"/> passed first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
