namespace Moneta.Grains.Organizations;

public sealed record MicClaimState
{
    public string? OrganizationId { get; init; }
}
