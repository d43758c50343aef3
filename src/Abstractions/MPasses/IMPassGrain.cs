using Moneta.Audit;

namespace Moneta.MPasses;

/// <summary>
/// A member's digital pass, issued by an MO, keyed by its id. Only the issuing MO or the administrator changes
/// it (<c>actor</c>); anyone else is told it does not exist. Every change is in its hash-chained audit log.
/// </summary>
[Alias("Moneta.IMPassGrain")]
public interface IMPassGrain : IGrainWithStringKey
{
    Task<MPassView> Issue(MPassIssue issue);

    Task<MPassView?> Find();

    /// <summary>The one way an mPass's status changes: suspend, reactivate, revoke (and expiry at valid_until).</summary>
    Task<MPassView> ChangeStatus(MPassStatusChange change);

    Task<MPassView> ChangeTier(string tier, string actor);

    /// <summary>A page of the audit log, oldest first; null cursor for the first (see <see cref="LifecycleTrail"/>).</summary>
    Task<LifecycleTrail?> Audit(string? cursor);
}
