namespace Moneta.Audit;

/// <summary>
/// One sealed segment of an organization's or an mPass's audit log, keyed <c>{subject kind}/{id}/{segment}</c>.
/// Written once: the owner seals its oldest entries here before dropping them from its own state, so the state
/// stays small however long the log grows.
/// </summary>
[Alias("Moneta.IAuditArchiveGrain")]
public interface IAuditArchiveGrain : IGrainWithStringKey
{
    /// <summary>Stores the segment; sealing the same entries again (a retried turn) changes nothing.</summary>
    Task Seal(IReadOnlyList<LifecycleEvent> events);

    /// <summary>The sealed entries, or empty if this segment was never sealed.</summary>
    Task<IReadOnlyList<LifecycleEvent>> Read();
}
