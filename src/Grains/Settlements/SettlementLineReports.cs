using Moneta.GrainModel;
using Moneta.Grains.Contracts;
using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

/// <summary>
/// How a finalized charge or an accepted dispute reaches settlement: an event to the pair's settlement account for
/// the currency, committed with the step that makes it a line. The event id is the source contract's, so the line
/// is reported once however the step is retried.
/// </summary>
public static class SettlementLineReports
{
    public const string EventType = "settlement.line";

    public static void Report(IGrainOutbox outbox, ContractState source, SettlementLineKind kind, Money amount, DateTimeOffset at)
    {
        var account = new SettlementAccountKey(source.MoId, source.PublisherId, amount.Currency.Code);
        outbox.Send<ISettlementAccountGrain>(account.ToString(), FlowEvents.New(EventType, source.ContractId, at, new SettlementLine(source.ContractId, kind, amount.Amount)));
    }
}
