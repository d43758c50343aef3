namespace Moneta.Grains;

/// <summary>
/// How long an idle activation stays in memory. Organizations, mPasses and webhook endpoints are read by every step
/// and keep Moneta:Runtime:IdleTimeout (15 minutes by default). A contract, a webhook dispatcher or delivery, an
/// idempotency key, a client assertion or an audit segment is busy for seconds and then rarely read again: kept
/// fifteen minutes, the activations of a busy quarter hour would hold gigabytes and slow every walk Orleans makes
/// over its activations (its metrics enumerate them every second). Read again later, such a grain costs one storage read.
/// </summary>
internal static class GrainLifetimes
{
    public const double TransientMinutes = 2;
}
