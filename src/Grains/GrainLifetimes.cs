namespace Moneta.Grains;

/// <summary>
/// How long an idle activation stays in memory. Organizations, mPasses and webhook endpoints are read by every step
/// and keep Moneta:Runtime:IdleTimeout (15 minutes by default). A contract, a webhook dispatcher or delivery, an
/// idempotency key, a client assertion or an audit segment is busy for seconds and then rarely read again: kept
/// fifteen minutes, the activations of a busy quarter hour would hold gigabytes and slow every walk Orleans makes
/// over its activations (its metrics enumerate them every second). Read again later, such a grain costs one storage read.
/// Two kinds leave even sooner, right after the call that finished their work: a contract once it is no longer pending,
/// and a settlement line register after every call (ADR 0012 §6).
/// </summary>
internal static class GrainLifetimes
{
    public const double TransientMinutes = 2;
}
