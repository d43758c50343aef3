using Moneta.GrainModel;
using Moneta.Organizations;

namespace Moneta.Grains.Organizations;

public sealed record ClientAssertionState
{
    public DateTimeOffset ExpiresAt { get; init; }
}

/// <summary>
/// Remembers that a client assertion (by issuer and jti) was used. Stored, not cached per silo, so a replay to
/// another silo is refused too.
/// </summary>
public sealed class ClientAssertionGrain(IPersistentState<ClientAssertionState> state) : Grain, IClientAssertionGrain
{
    public async Task<bool> TryUse(DateTimeOffset expiresAt)
    {
        await state.ReadStateAsync();
        if (state.RecordExists) return false;
        state.State = new ClientAssertionState { ExpiresAt = expiresAt };
        await state.WriteStateAsync();
        return true;
    }
}
