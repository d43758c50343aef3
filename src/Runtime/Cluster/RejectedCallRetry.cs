using System.Diagnostics.Metrics;

namespace Moneta.Runtime.Cluster;

/// <summary>
/// Sends a grain call again when Orleans rejected it without running it: the target silo is stopping ("Silo stopping"),
/// no longer hosts the activation, or could not be reached at all. Orleans drops the stale directory entry with the
/// rejection, so the next attempt finds the grain where it lives now (or activates it on a live silo). This is what
/// makes a silo leaving (SIGTERM) or dying invisible to callers once the cluster has caught up, instead of a 503 for
/// every call that raced the change. A <see cref="SiloUnavailableException"/> is not retried: it is raised when a silo
/// fails after the call may have reached it, and only the caller (with its Idempotency-Key) may decide to send a step
/// again. Attempts stop after <see cref="Deadline"/>; the last rejection then reaches the caller (503).
/// </summary>
public sealed class RejectedCallRetry : IOutgoingGrainCallFilter, IDisposable
{
    public const string MeterName = "Moneta.Cluster";

    /// <summary>
    /// Long enough for a stopping silo to finish handing its activations over and for the directory to forget a dead
    /// silo's, short against the 30 s call timeout.
    /// </summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(1);

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _retries;

    public RejectedCallRetry() =>
        _retries = _meter.CreateCounter<long>("moneta.cluster.rejected_call_retries", description: "Grain calls sent again after Orleans rejected them unrun (a silo stopping, gone or unreachable)");

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var deadline = DateTime.UtcNow + Deadline;
        var delay = FirstDelay;
        while (true)
        {
            try
            {
                await context.Invoke();
                return;
            }
            catch (OrleansMessageRejectionException e) when (e is not SiloUnavailableException && DateTime.UtcNow + delay < deadline)
            {
                _retries.Add(1, new KeyValuePair<string, object?>("interface", context.InterfaceName));
                await Task.Delay(delay * (0.75 + (Random.Shared.NextDouble() / 2)));
                delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
            }
        }
    }

    public void Dispose() => _meter.Dispose();
}
