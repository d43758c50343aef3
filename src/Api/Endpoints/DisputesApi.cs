using Moneta.Contracts;
using Moneta.Disputes;
using Moneta.Templates;

namespace Moneta.Api.Endpoints;

/// <summary>
/// The dispute pipeline entry (api/v1/events/disputes): starts a dispute-contract from a flat body, as the
/// subscription-charge pipeline starts a charge. Whether the dispute fits the charge is the dispute flow's to decide.
/// </summary>
public static class DisputesApi
{
    /// <summary>A dispute carries at most this many pieces of evidence (the template says the same).</summary>
    private const int MaxEvidence = 20;

    public static IEndpointRouteBuilder MapDisputesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/events/disputes", Dispute).WithTags("Pipelines").RequireAuthorization();
        return app;
    }

    /// <summary>The MO signs the dispute-contract terms; <c>template_version</c> pins the version it signed (default: latest).</summary>
    public static async Task<Results<Created<ContractView>, Ok<ContractView>>> Dispute(DisputeRequest request, Caller caller, IGrainFactory grains)
    {
        if (request.Evidence is { Count: > MaxEvidence })
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'evidence' may hold at most {MaxEvidence} items.");
        var filing = new DisputeFiling(
            Require.Id(request.ContractId, "contract_id"),
            Require.Id(request.MoId, "mo_id"),
            Require.Id(request.PublisherId, "publisher_id"),
            Require.Id(request.MpassId, "mpass_id"),
            Require.Id(request.DisputedContractId, "disputed_contract_id"),
            Require.Text(request.Amount, "amount", 32),
            Require.Text(request.Currency, "currency", 3),
            Require.Text(request.ReasonCode, "reason_code", 32),
            request.Evidence?.Select((e, i) => new DisputeEvidence(
                Require.Text(Require.Present(e, $"evidence[{i}]").Type, $"evidence[{i}].type", Ids.MaxLength),
                Require.Text(e.Sha256, $"evidence[{i}].sha256", 64),
                e.Description is null ? null : Require.Text(e.Description, $"evidence[{i}].description", 500))).ToList(),
            request.Description is null ? null : Require.Text(request.Description, "description", 500),
            Require.Text(request.Signature, "signature", 8192));

        var version = request.TemplateVersion
            ?? (await grains.GetGrain<IContractTemplateGrain>(DisputeFiling.TemplateName).Find(null))?.Version
            ?? throw DomainException.NotFound(ErrorCodes.TemplateNotFound, $"Template '{DisputeFiling.TemplateName}' is not published.");
        return await ContractsApi.InitiateAsync(filing.ToContractInitiation(version), caller, grains);
    }

    public sealed record DisputeRequest(
        string? ContractId,
        string? MoId,
        string? PublisherId,
        string? MpassId,
        string? DisputedContractId,
        string? Amount,
        string? Currency,
        string? ReasonCode,
        IReadOnlyList<EvidenceRequest?>? Evidence,
        string? Description,
        int? TemplateVersion,
        string? Signature);

    public sealed record EvidenceRequest(string? Type, string? Sha256, string? Description);
}
