using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moneta.Sandbox;

namespace Moneta.Api.Sandbox;

/// <summary>
/// Moneta's clock in Development and Sandbox: real time plus an offset an administrator advances
/// (<c>POST /api/v1/admin/clock/advance</c>), so partners see deadlines, expiries and token lifetimes pass without
/// waiting. It is the silo's <see cref="TimeProvider"/>, so grains, tokens and the outbox's reminders all move with
/// it. Only wall-clock time (<see cref="TimeProvider.GetUtcNow"/>) moves; elapsed-time measurement does not.
/// </summary>
public sealed class SandboxClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;

    /// <summary>Takes the stored offset; never moves back, whatever order two silos' updates arrive in.</summary>
    public void MoveTo(TimeSpan offset)
    {
        var current = Interlocked.Read(ref _offsetTicks);
        while (offset.Ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref _offsetTicks, offset.Ticks, current);
            if (seen == current) return;
            current = seen;
        }
    }
}

/// <summary>
/// Keeps this silo's <see cref="SandboxClock"/> on the stored offset: read before the silo serves (so a restart does
/// not turn the clock back), then every second, so an advance made on another silo reaches this one.
/// </summary>
public sealed class SandboxClockSync(SandboxClock clock, IGrainFactory grains, ILogger<SandboxClockSync> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await SyncAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
            await SyncAsync();
    }

    private async Task SyncAsync()
    {
        try
        {
            clock.MoveTo(await grains.GetGrain<ISandboxClockGrain>(ISandboxClockGrain.Key).Offset());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Reading the sandbox clock's offset failed; trying again in {Interval}", PollInterval);
        }
    }
}
