using System.Globalization;
using Moneta.Contracts;
using Moneta.Disputes;
using Moneta.Errors;
using Moneta.Grains.Contracts;
using Moneta.SubscriptionCharges;

namespace Moneta.Grains.Disputes;

/// <summary>
/// When Moneta countersigns a dispute (docs/protocol.md, dispute-contract): it disputes a finalized charge of the same
/// MO, publisher and mPass, in the charge's currency, within the template's dispute window after the charge was
/// finalized. Room for its amount (and that no other dispute of the charge is open) is the charge's dispute list's to
/// decide (<see cref="ChargeDisputesGrain"/>). Each refusal has its own code.
/// </summary>
public static class DisputeRules
{
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(120);

    public static void EnsureDisputable(ContractState dispute, DisputeTerms terms, ContractView? charge, TimeSpan window, DateTimeOffset now)
    {
        // Another MO's contract answers as a missing one: contract ids cannot be probed through disputes either.
        if (charge is null || charge.MoId != dispute.MoId)
            throw DomainException.NotFound(ErrorCodes.DisputedContractNotFound, $"No contract with id '{terms.DisputedContractId}' is visible to you.");
        if (charge.TemplateId != SubscriptionCharge.TemplateName)
            throw DomainException.Invalid(ErrorCodes.DisputedContractNotACharge, $"Contract '{charge.ContractId}' is a {charge.TemplateId}; only a {SubscriptionCharge.TemplateName} (a charge) can be disputed.");
        if (charge.Status != ContractStatuses.Finalized)
            throw DomainException.Conflict(ErrorCodes.ChargeNotFinalized, $"Charge '{charge.ContractId}' is {charge.Status}; only a finalized charge can be disputed.");
        if (charge.PublisherId != dispute.PublisherId || charge.MpassId != dispute.MpassId)
            throw DomainException.Invalid(ErrorCodes.DisputePartiesMismatch, $"Charge '{charge.ContractId}' was made with publisher '{charge.PublisherId}' and mPass '{charge.MpassId}'; a dispute names the same.");
        var chargeCurrency = charge.Payload.GetProperty("currency").GetString();
        if (chargeCurrency != terms.Amount.Currency.Code)
            throw DomainException.Invalid(ErrorCodes.DisputeCurrencyMismatch, $"Charge '{charge.ContractId}' is in {chargeCurrency}; dispute it in {chargeCurrency}.");
        var closesAt = charge.FinalizedAt!.Value + window;
        if (now > closesAt)
            throw DomainException.Conflict(ErrorCodes.DisputeWindowClosed, $"Charge '{charge.ContractId}' could be disputed until {closesAt:O} ({XmlDuration(window)} after it was finalized).");
    }

    /// <summary>How a dispute contract's status resolves the dispute; null while the publisher has not answered.</summary>
    public static string? ResolutionOf(string status) => status switch
    {
        ContractStatuses.Finalized => DisputeResolutions.Accepted,
        ContractStatuses.Rejected => DisputeResolutions.Declined,
        ContractStatuses.Expired => DisputeResolutions.AcceptedByDefault,
        ContractStatuses.Voided => DisputeResolutions.Withdrawn,
        _ => null,
    };

    public static decimal ChargeAmount(ContractView charge) =>
        decimal.Parse(charge.Payload.GetProperty("amount").GetString()!, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);

    private static string XmlDuration(TimeSpan window) => System.Xml.XmlConvert.ToString(window);
}
