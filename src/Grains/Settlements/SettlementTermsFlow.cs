using System.Globalization;
using System.Text.Json;
using Moneta.Contracts;
using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Grains.Contracts;
using Moneta.Grains.Templates;
using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

/// <summary>
/// settlement-terms: what an MO and a publisher agree for settling one currency. Moneta countersigns only shares that
/// fit in the whole (fee + MO share at most 10,000 basis points) and a fee at or above
/// <see cref="SettlementOptions.MinimumFeeBps"/>. Finalized, the terms go to the pair's settlement account.
/// </summary>
public sealed class SettlementTermsFlow(SettlementOptions options) : IContractFlow
{
    public const string Template = "settlement-terms";

    /// <summary>The grain event that gives a settlement account finalized terms.</summary>
    public const string TermsFinalized = "settlement.terms";

    public string TemplateName => Template;

    public Task CheckTermsAsync(ContractState draft, ContractTemplate template, IGrainFactory grains, DateTimeOffset now)
    {
        var (fee, share) = (draft.Payload.GetProperty("moneta_fee_bps").GetInt32(), draft.Payload.GetProperty("mo_share_bps").GetInt32());
        if (fee + share > SettlementArithmetic.BasisPointsInWhole)
            throw DomainException.Invalid(ErrorCodes.SettlementSharesExceedTotal, $"moneta_fee_bps + mo_share_bps is {fee + share}; together they may be at most {SettlementArithmetic.BasisPointsInWhole} (all of gross).");
        if (fee < options.MinimumFeeBps)
            throw DomainException.Invalid(ErrorCodes.SettlementFeeBelowMinimum, $"Moneta countersigns settlement terms with a fee of at least {options.MinimumFeeBps} basis points; these say {fee}.");
        return Task.CompletedTask;
    }

    public void OnStatusChanged(ContractState before, ContractState after, IGrainOutbox outbox)
    {
        if (before.Status == after.Status || after.Status != ContractStatuses.Finalized) return;
        var terms = TermsOf(after.ContractId, after.Payload, after.FinalizedAt!.Value);
        var account = new SettlementAccountKey(after.MoId, after.PublisherId, after.Payload.GetProperty("currency").GetString()!);
        outbox.Send<ISettlementAccountGrain>(account.ToString(), FlowEvents.New(TermsFinalized, after.ContractId, terms.FinalizedAt, terms));
    }

    public ContractView Describe(ContractState contract, ContractView view) => view;

    /// <summary>The terms as agreed; when they take effect is the account's to decide (<see cref="SettlementTerms.EffectiveFrom"/>).</summary>
    public static SettlementTerms TermsOf(string contractId, JsonElement payload, DateTimeOffset finalizedAt)
    {
        if (!WireEnumConverter<SettlementPeriodKind>.TryParse(payload.GetProperty("period").GetString(), out var period))
            throw new InvalidOperationException($"Settlement terms '{contractId}' name an unknown period; the template admits none.");
        var minimum = decimal.Parse(payload.GetProperty("minimum_payout").GetString()!, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return new SettlementTerms(contractId, period, payload.GetProperty("moneta_fee_bps").GetInt32(), payload.GetProperty("mo_share_bps").GetInt32(), minimum, finalizedAt, finalizedAt);
    }
}
