using Moneta.GrainModel;
using Moneta.Organizations;

namespace Moneta.Grains.Organizations;

/// <summary>
/// A Moneta Issuer Code is unique across MOs. The claim is a conditional create in storage, so two silos claiming
/// the same code at once cannot both win: the loser's write fails, it reloads and sees the winner.
/// </summary>
[GrainType("micclaim")]
public sealed class MicClaimGrain([OutboxState] IOutboxState<MicClaimState> state) : Grain, IMicClaimGrain
{
    public async Task<bool> Claim(string organizationId)
    {
        if (state.RecordExists) return state.State.OrganizationId == organizationId;
        state.State = new MicClaimState { OrganizationId = organizationId };
        await state.WriteStateAsync();
        return true;
    }
}
