namespace Moneta.Audit;

/// <summary>Who acts on an organization or an mPass, as written in audit logs.</summary>
public static class Actors
{
    /// <summary>The administrator. Organizations cannot be registered under this id, so the two never mix.</summary>
    public const string Admin = "admin";

    /// <summary>Moneta itself (for example an mPass reaching its valid_until).</summary>
    public const string Moneta = "moneta";

    public static bool IsReserved(string id) => id is Admin or Moneta;
}

/// <summary>
/// One entry of an organization's or an mPass's audit log: who did what, when, to which part (a key's kid), the
/// state before and after, and why. <see cref="PreviousHash"/> is the SHA-256 of the entry before (a hash chain).
/// </summary>
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

/// <summary>
/// One page of an audit log, oldest first. <see cref="Verified"/>: the page's hash chain is intact and its first
/// entry links to the last entry of the page before; following <see cref="NextCursor"/> to the end checks the whole log.
/// </summary>
public sealed record LifecycleTrail(string Id, IReadOnlyList<LifecycleEvent> Events, bool Verified, string? NextCursor = null);
