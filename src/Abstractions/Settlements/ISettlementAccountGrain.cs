using Moneta.GrainModel;

namespace Moneta.Settlements;

/// <summary>
/// The settlement account of an MO, a publisher and a currency (key: <see cref="SettlementAccountKey"/>): its terms,
/// its open batch, what the last batch carried out, and the charges waiting for terms. Every finalized charge and
/// accepted dispute of the pair reaches it as an event (several at a time when they queue up) and is routed to the open batch; it closes the open batch at
/// the period's end (plus the grace time) or when a party asks, and opens the next.
/// </summary>
[Alias("Moneta.ISettlementAccountGrain")]
public interface ISettlementAccountGrain : IGrainEventGroupHandler, IReminderHandler
{
    /// <summary>Closes the open batch now (a party asked) and opens the next; returns the id of the batch that closes.</summary>
    Task<string> CloseEarly();
}
