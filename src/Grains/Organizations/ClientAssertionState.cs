using Moneta.GrainModel;

namespace Moneta.Grains.Organizations;

/// <summary>A used assertion, remembered until it could no longer be accepted anyway; then the store may delete it.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.ClientAssertionState")]
public sealed record ClientAssertionState : IExpiringState
{
    [Id(0)]
    public DateTimeOffset ExpiresAt { get; init; }
}
