using Moneta.Audit;

namespace Moneta.Organizations;

/// <summary>An MO or a publisher, keyed by its id. Every change is recorded in its hash-chained audit log.</summary>
[Alias("Moneta.IOrganizationGrain")]
public interface IOrganizationGrain : IGrainWithStringKey
{
    Task<OrganizationView> Register(OrganizationRegistration registration);

    /// <summary>The organization, or null if none is registered under this id.</summary>
    Task<OrganizationView?> Find();

    /// <summary>The one way an organization's status changes (pending, active, suspended, destroyed).</summary>
    Task<OrganizationView> ChangeStatus(OrganizationStatusChange change);

    /// <summary>Replaces the profile (name, metadata, services, industries).</summary>
    Task<OrganizationView> UpdateProfile(OrganizationProfile profile, string actor);

    Task<OrganizationView> AddKey(NewOrganizationKey key);

    /// <summary>The key signs nothing from now on; what it signed before stays valid.</summary>
    Task<OrganizationView> RetireKey(string kid, string actor);

    /// <summary>Signatures with the key made from now on are refused; what it signed before stays valid.</summary>
    Task<OrganizationView> RevokeKey(string kid, string reason, string actor);

    /// <summary>
    /// The event types the organization's webhook endpoints take, kept here by its endpoints grain so that a contract
    /// step reads them with the organization instead of asking the endpoints grain (<see cref="Webhooks.WebhookInterest"/>).
    /// Not a change of the organization: no audit event. Ignored while no organization is registered under this id.
    /// </summary>
    Task RecordWebhookInterest(Webhooks.WebhookInterest interest);

    /// <summary>A page of the audit log, oldest first; null cursor for the first (see <see cref="LifecycleTrail"/>).</summary>
    Task<LifecycleTrail?> Audit(string? cursor);
}
