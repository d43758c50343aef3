using Moneta.GrainModel;
using Moneta.Organizations;

namespace Moneta.Grains.Organizations;

/// <summary>
/// Remembers that a client assertion (by issuer and jti) was used. Stored, not cached per silo, so a replay to
/// another silo is refused too.
/// </summary>
[GrainType("clientassertion")]
[CollectionAgeLimit(Minutes = GrainLifetimes.TransientMinutes)]
public sealed class ClientAssertionGrain([OutboxState] IOutboxState<ClientAssertionState> state) : Grain, IClientAssertionGrain
{
    public async Task<bool> TryUse(DateTimeOffset expiresAt)
    {
        if (state.RecordExists) return false;
        state.State = new ClientAssertionState { ExpiresAt = expiresAt };
        await state.WriteStateAsync();
        return true;
    }
}
