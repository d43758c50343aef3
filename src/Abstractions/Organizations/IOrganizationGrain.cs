using System.Text.Json;
using Moneta.GrainModel;

namespace Moneta.Organizations;

/// <summary>An MO or a publisher, keyed by its id.</summary>
public interface IOrganizationGrain : IGrainWithStringKey
{
    Task<OrganizationView> Register(OrganizationRegistration registration);

    /// <summary>The organization, or null if none is registered under this id.</summary>
    Task<OrganizationView?> Find();

    Task<OrganizationView> ChangeStatus(string status);

    Task<OrganizationView> AddKey(JsonElement jwk);
}

/// <summary>One Moneta Issuer Code, keyed by the code: whoever claims it first owns it.</summary>
public interface IMicClaimGrain : IGrainWithStringKey
{
    /// <summary>True if the code is now (or already was) held by <paramref name="organizationId"/>.</summary>
    Task<bool> Claim(string organizationId);
}

/// <summary>One client-assertion id (jti), keyed by issuer and jti: an assertion is accepted once.</summary>
public interface IClientAssertionGrain : IGrainWithStringKey
{
    /// <summary>False if this assertion was already used.</summary>
    Task<bool> TryUse(DateTimeOffset expiresAt);
}
