namespace Moneta.Grains.Organizations;

[GenerateSerializer, Immutable, Alias("Moneta.Grains.MicClaimState")]
public sealed record MicClaimState
{
    [Id(0)]
    public string? OrganizationId { get; init; }
}
