using Moneta.Contracts;
using Moneta.GrainModel;
using Moneta.Grains.Templates;

namespace Moneta.Grains.Contracts;

/// <summary>
/// What a template's business flow adds to the shared contract machinery (ADR 0011). The contract grain knows how to
/// sign, verify, chain and store any contract; a flow knows what its contracts mean: Moneta's own conditions for
/// countersigning their terms, what the flow's grains must hear when one changes status, and what a reader of one
/// should see about the flow. The rules live with their flow (src/Grains/Disputes, src/Grains/Settlements).
/// </summary>
public interface IContractFlow
{
    /// <summary>The template whose contracts this flow governs, in every version.</summary>
    string TemplateName { get; }

    /// <summary>
    /// Moneta's conditions for countersigning the terms of an initiation, checked once the initiator's signature has
    /// verified and before anything is stored. A refusal is a <see cref="Errors.DomainException"/>; a flow that
    /// reserves something for the contract must tolerate the contract's write failing afterwards.
    /// </summary>
    Task CheckTermsAsync(ContractState draft, ContractTemplate template, IGrainFactory grains, DateTimeOffset now);

    /// <summary>
    /// Messages for the flow's grains when a contract of this template changes status (created, signed, closed), put in
    /// the outbox of the write that makes the change: they exist exactly when the change does.
    /// </summary>
    void OnStatusChanged(ContractState before, ContractState after, IGrainOutbox outbox);

    /// <summary>The contract's view with the flow's part added (a dispute's resolution, for one).</summary>
    ContractView Describe(ContractState contract, ContractView view);
}
