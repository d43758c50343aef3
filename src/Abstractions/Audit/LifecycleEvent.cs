namespace Moneta.Audit;

/// <summary>
/// One entry of an organization's or an mPass's audit log: who did what, when, to which part (a key's kid), the
/// state before and after, and why. <see cref="PreviousHash"/> is the SHA-256 of the entry before (a hash chain).
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.LifecycleEvent")]
public sealed record LifecycleEvent(
    int Sequence,
    string Type,
    DateTimeOffset At,
    string Actor,
    string? Subject,
    string? From,
    string? To,
    string? Reason,
    string? PreviousHash);
