using Moneta.GrainModel;

namespace Moneta.Disputes;

/// <summary>
/// The disputes of one charge (key: the charge's contract id). It decides, one claim at a time, whether a new dispute
/// fits: at most one open at a time, and never more than what remains disputable. It hears every dispute step from
/// the dispute contracts.
/// </summary>
[Alias("Moneta.IChargeDisputesGrain")]
public interface IChargeDisputesGrain : IGrainEventHandler
{
    /// <summary>Reserves room for a dispute about to be created, or refuses it (dispute_already_open, dispute_amount_exceeds_remaining).</summary>
    Task Reserve(DisputeClaim claim);

    /// <summary>The charge's disputes, oldest first.</summary>
    Task<IReadOnlyList<ChargeDispute>> List();
}
