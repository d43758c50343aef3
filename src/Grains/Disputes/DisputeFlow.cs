using Moneta.Contracts;
using Moneta.Disputes;
using Moneta.GrainModel;
using Moneta.Grains.Contracts;
using Moneta.Grains.Settlements;
using Moneta.Grains.Templates;
using Moneta.Grains.Webhooks;
using Moneta.Settlements;
using Moneta.Webhooks;

namespace Moneta.Grains.Disputes;

/// <summary>
/// The dispute pipeline's part of a dispute-contract: Moneta countersigns only a dispute that fits
/// <see cref="DisputeRules"/> and for which the charge has room; every step reaches the charge's dispute list and
/// both parties (dispute.* webhooks); an accepted dispute, by signature or by default, enters the pair's settlement
/// as a negative line.
/// </summary>
public sealed class DisputeFlow : IContractFlow
{
    public const string Template = "dispute-contract";

    /// <summary>The grain event that tells a charge's dispute list about a dispute's step.</summary>
    public const string DisputeChanged = "dispute.changed";

    public string TemplateName => Template;

    public async Task CheckTermsAsync(ContractState draft, ContractTemplate template, IGrainFactory grains, DateTimeOffset now)
    {
        var terms = DisputeTerms.Of(draft.Payload);
        var charge = await grains.GetGrain<IContractGrain>(terms.DisputedContractId).Find();
        DisputeRules.EnsureDisputable(draft, terms, charge, template.DurationRule("dispute_window", DisputeRules.DefaultWindow), now);
        var claim = new DisputeClaim(draft.ContractId, terms.Amount.Amount, terms.ReasonCode, DisputeRules.ChargeAmount(charge!), terms.Amount.Currency.Code);
        await grains.GetGrain<IChargeDisputesGrain>(terms.DisputedContractId).Reserve(claim);
    }

    public void OnStatusChanged(ContractState before, ContractState after, IGrainOutbox outbox)
    {
        if (before.Status == after.Status) return;
        var terms = DisputeTerms.Of(after.Payload);
        var resolution = DisputeRules.ResolutionOf(after.Status);
        var at = after.AuditLog[^1].At;
        var step = new DisputeStep(after.ContractId, terms.Amount.Amount, terms.Amount.Currency.Code, terms.ReasonCode, resolution ?? ChargeDispute.Pending, after.CreatedAt, resolution is null ? null : at);
        outbox.Send<IChargeDisputesGrain>(terms.DisputedContractId, FlowEvents.New(DisputeChanged, $"{after.ContractId}:{step.Status}", at, step));

        var opened = before.Status.Length == 0;
        if (opened || resolution is not null)
        {
            var type = opened ? WebhookEventTypes.DisputeOpened : WebhookTypeOf(resolution!);
            var data = new ContractEventData(Describe(after, after.ToView()), after.NextRole);
            foreach (var party in new[] { after.MoId, after.PublisherId })
                outbox.Announce(party, "contract", after.ContractId, WebhookAnnouncements.NewEvent(type, at, data));
        }

        // The refund leaves the publisher's next settlement: a negative line, keyed by the dispute contract.
        if (DisputeResolutions.Refunds(resolution))
            SettlementLineReports.Report(outbox, after, SettlementLineKind.Dispute, -terms.Amount, at);
    }

    public ContractView Describe(ContractState contract, ContractView view) =>
        view with { Dispute = new DisputeDetails(DisputeTerms.Of(contract.Payload).DisputedContractId, DisputeRules.ResolutionOf(contract.Status)) };

    private static string WebhookTypeOf(string resolution) => resolution switch
    {
        DisputeResolutions.Accepted => WebhookEventTypes.DisputeAccepted,
        DisputeResolutions.Declined => WebhookEventTypes.DisputeDeclined,
        DisputeResolutions.AcceptedByDefault => WebhookEventTypes.DisputeAcceptedByDefault,
        _ => WebhookEventTypes.DisputeWithdrawn,
    };
}
