namespace Moneta.Grains.Organizations;

[GenerateSerializer, Immutable, Alias("Moneta.Grains.ClientAssertionState")]
public sealed record ClientAssertionState
{
    [Id(0)]
    public DateTimeOffset ExpiresAt { get; init; }
}
