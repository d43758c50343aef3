using System.Globalization;
using Moneta.Contracts;
using Moneta.GrainModel;
using Moneta.Grains.Contracts;
using Moneta.Grains.Templates;
using Moneta.Settlements;
using Moneta.SubscriptionCharges;

namespace Moneta.Grains.Settlements;

/// <summary>The settlement's part of a charge (transaction-contract): once finalized, it is a line of its pair's settlement.</summary>
public sealed class ChargeSettlementFlow : IContractFlow
{
    public string TemplateName => SubscriptionCharge.TemplateName;

    public Task CheckTermsAsync(ContractState draft, ContractTemplate template, IGrainFactory grains, DateTimeOffset now) => Task.CompletedTask;

    public void OnStatusChanged(ContractState before, ContractState after, IGrainOutbox outbox)
    {
        if (before.Status == after.Status || after.Status != ContractStatuses.Finalized) return;
        var currency = Currency.Of(after.Payload.GetProperty("currency").GetString()!);
        var amount = decimal.Parse(after.Payload.GetProperty("amount").GetString()!, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        SettlementLineReports.Report(outbox, after, SettlementLineKind.Charge, new Money(amount, currency), after.FinalizedAt!.Value);
    }

    public ContractView Describe(ContractState contract, ContractView view) => view;
}
