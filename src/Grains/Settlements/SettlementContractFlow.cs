using Moneta.Contracts;
using Moneta.GrainModel;
using Moneta.Grains.Contracts;
using Moneta.Grains.Templates;
using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

/// <summary>
/// settlement-contract: the statement Moneta issues when a batch closes, signed by Moneta, then the MO, then the
/// publisher. Its batch hears when it is finalized (settled), rejected or expired (contested).
/// </summary>
public sealed class SettlementContractFlow : IContractFlow
{
    public const string Template = "settlement-contract";

    /// <summary>The version whose payload <see cref="SettlementStatement"/> writes.</summary>
    public const int TemplateVersion = 1;

    /// <summary>The grain event that tells a batch its settlement contract closed.</summary>
    public const string StatementClosed = "settlement.statement";

    public string TemplateName => Template;

    public Task CheckTermsAsync(ContractState draft, ContractTemplate template, IGrainFactory grains, DateTimeOffset now) => Task.CompletedTask;

    public void OnStatusChanged(ContractState before, ContractState after, IGrainOutbox outbox)
    {
        if (before.Status == after.Status || after.IsPending) return;
        var batchId = after.Payload.GetProperty("batch_id").GetString()!;
        var closed = new StatementClosedReport(after.ContractId, after.Status);
        outbox.Send<ISettlementBatchGrain>(batchId, FlowEvents.New(StatementClosed, after.ContractId, after.AuditLog[^1].At, closed));
    }

    public ContractView Describe(ContractState contract, ContractView view) => view;
}

/// <summary>A settlement contract closed: finalized, rejected or expired.</summary>
public sealed record StatementClosedReport(string ContractId, string Status);
