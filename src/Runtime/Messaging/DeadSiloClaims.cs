using Microsoft.Extensions.Logging;
using Moneta.Runtime.Storage;

namespace Moneta.Runtime.Messaging;

/// <summary>
/// Releases the outbox claims of a silo as soon as the cluster declares it dead, instead of letting its messages wait
/// for their leases (a minute by default) while their targets' later events queue behind them. Membership, not a
/// timeout, says the silo is gone: a silo declared dead stops itself, so nobody completes those claims any more.
/// Every silo that sees the declaration releases them; the release is conditional on the dead silo still holding each
/// claim, so doing it several times changes nothing. A silo that joins finds the dead silos still listed (Orleans keeps
/// them for a while) and releases theirs too, which covers a cluster restarted as a whole.
/// </summary>
public sealed partial class DeadSiloClaims(
    IClusterMembershipService membership,
    IGrainStateStore store,
    OutboxOptions options,
    OutboxSignal signal,
    TimeProvider clock,
    ILogger<DeadSiloClaims> logger) : ILifecycleParticipant<ISiloLifecycle>, IDisposable
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)];

    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<SiloAddress> _released = [];
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(DeadSiloClaims), ServiceLifecycleStage.Active, Start, Stop);

    public void Dispose() => _stopping.Dispose();

    private Task Start(CancellationToken cancellationToken)
    {
        _loop = Task.Run(() => WatchAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop.WaitAsync(cancellationToken);
    }

    private async Task WatchAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stopping))
            {
                foreach (var (silo, member) in snapshot.Members)
                {
                    if (member.Status == SiloStatus.Dead && _released.Add(silo))
                        await ReleaseAsync(silo, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>A failed release is tried a few times; after that the leases still run out as before.</summary>
    private async Task ReleaseAsync(SiloAddress silo, CancellationToken stopping)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var released = await store.ReleaseClaimsAsync(silo.ToParsableString(), clock.GetUtcNow(), options.MessageLease, stopping);
                if (released > 0)
                {
                    LogReleased(logger, released, silo);
                    signal.Notify(); // they are due now: this silo's relay takes them at once
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (attempt == RetryDelays.Length)
                {
                    LogReleaseFailed(logger, e, silo);
                    return;
                }

                await Task.Delay(RetryDelays[attempt], stopping);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Released {Count} outbox claims of {Silo}, which the cluster declared dead")]
    private static partial void LogReleased(ILogger logger, int count, SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not release the outbox claims of dead silo {Silo}; they are taken over when their leases run out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, SiloAddress silo);
}
