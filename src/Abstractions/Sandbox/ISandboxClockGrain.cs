namespace Moneta.Sandbox;

/// <summary>
/// How far a sandbox's clock runs ahead of real time (one grain, key <c>sandbox</c>). Stored, so every silo on the
/// store runs on the same time and a restart does not turn the clock back. Exists only in Development and Sandbox.
/// </summary>
[Alias("Moneta.ISandboxClockGrain")]
public interface ISandboxClockGrain : IGrainWithStringKey
{
    public const string Key = "sandbox";

    Task<TimeSpan> Offset();

    /// <summary>Moves the clock forward (never back: what happened stays in the past); returns the new offset.</summary>
    Task<TimeSpan> Advance(TimeSpan by);
}
