namespace Moneta.Organizations;

/// <summary>One Moneta Issuer Code, keyed by the code: whoever claims it first owns it.</summary>
[Alias("Moneta.IMicClaimGrain")]
public interface IMicClaimGrain : IGrainWithStringKey
{
    /// <summary>True if the code is now (or already was) held by <paramref name="organizationId"/>.</summary>
    Task<bool> Claim(string organizationId);
}
