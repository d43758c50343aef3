using Moneta.Runtime.Storage;

namespace Moneta.Runtime.Messaging;

public enum OutboxMessageKind
{
    /// <summary>A <see cref="GrainModel.GrainEvent"/> for another grain; named by the event id, so storing it twice stores it once.</summary>
    Event,

    /// <summary>A reminder a grain set for itself; named by the reminder, so setting it again moves it.</summary>
    Reminder,

    /// <summary>Removes the grain's reminder of that name.</summary>
    ReminderCancellation,
}

/// <summary>A message committed with a grain's state write: due at <see cref="DueAt"/> for <see cref="Target"/>.</summary>
public sealed record OutboxMessage(GrainKey Target, string Name, OutboxMessageKind Kind, byte[]? Body, DateTimeOffset DueAt);

/// <summary>
/// A due message one relay holds a lease on. <see cref="ClaimToken"/> identifies this claim: completing or
/// rescheduling only applies while the claim is current, so a lease that ran out (and was claimed again
/// elsewhere) or a reminder that was set again while it fired is never deleted by mistake.
/// </summary>
public sealed record ClaimedMessage(GrainKey Target, string Name, OutboxMessageKind Kind, byte[]? Body, int Attempts, string ClaimToken)
{
    /// <summary>
    /// How many of its target's events a claim headed by this message may take, this one included: what
    /// <paramref name="maxRun"/> allows the target's grain type for an event, one for anything else.
    /// </summary>
    public int RunLength(Func<string, int>? maxRun) => Kind == OutboxMessageKind.Event && maxRun is not null ? maxRun(Target.Type) : 1;
}
