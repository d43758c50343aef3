namespace Moneta.Audit;

/// <summary>
/// One page of an audit log, oldest first. <see cref="Verified"/>: the page's hash chain is intact and its first
/// entry links to the last entry of the page before; following <see cref="NextCursor"/> to the end checks the whole log.
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.LifecycleTrail")]
public sealed record LifecycleTrail(string Id, IReadOnlyList<LifecycleEvent> Events, bool Verified, string? NextCursor = null);
