namespace Moneta.Grains.Organizations;

public sealed record ClientAssertionState
{
    public DateTimeOffset ExpiresAt { get; init; }
}
