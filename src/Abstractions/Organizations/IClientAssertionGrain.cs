namespace Moneta.Organizations;

/// <summary>One client-assertion id (jti), keyed by issuer and jti: an assertion is accepted once.</summary>
[Alias("Moneta.IClientAssertionGrain")]
public interface IClientAssertionGrain : IGrainWithStringKey
{
    /// <summary>
    /// False if this assertion was already used. <paramref name="expiresAt"/> is when the assertion can no longer be
    /// accepted (its exp plus the clock skew allowed): the jti is remembered until then, and may be forgotten after.
    /// </summary>
    Task<bool> TryUse(DateTimeOffset expiresAt);
}
