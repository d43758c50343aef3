using Moneta.GrainModel;
using Moneta.Organizations;

namespace Moneta.Grains.Organizations;

public sealed record MicClaimState
{
    public string? OrganizationId { get; init; }
}

/// <summary>
/// A Moneta Issuer Code is unique across MOs. The claim is a conditional create in storage, so two silos claiming
/// the same code at once cannot both win: the loser's write fails, it reloads and sees the winner.
/// </summary>
public sealed class MicClaimGrain(IPersistentState<MicClaimState> state) : Grain, IMicClaimGrain
{
    public async Task<bool> Claim(string organizationId)
    {
        await state.ReadStateAsync();
        if (state.RecordExists) return state.State.OrganizationId == organizationId;
        state.State = new MicClaimState { OrganizationId = organizationId };
        await state.WriteStateAsync();
        return true;
    }
}
