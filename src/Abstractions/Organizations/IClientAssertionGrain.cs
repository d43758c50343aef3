namespace Moneta.Organizations;

/// <summary>One client-assertion id (jti), keyed by issuer and jti: an assertion is accepted once.</summary>
[Alias("Moneta.IClientAssertionGrain")]
public interface IClientAssertionGrain : IGrainWithStringKey
{
    /// <summary>False if this assertion was already used.</summary>
    Task<bool> TryUse(DateTimeOffset expiresAt);
}
