using Moneta.Contracts;
using Moneta.SubscriptionCharges;
using Moneta.Templates;

namespace Moneta.Api.Endpoints;

/// <summary>The subscription-charge pipeline entry (api/v1/events/subscription_charges): starts a transaction-contract.</summary>
public static class SubscriptionChargesApi
{
    public static IEndpointRouteBuilder MapSubscriptionChargesApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/events/subscription_charges", Charge).WithTags("Pipelines").RequireAuthorization();
        return app;
    }

    /// <summary>The MO signs the transaction-contract terms; <c>template_version</c> pins the version it signed (default: latest).</summary>
    public static async Task<Results<Created<ContractView>, Ok<ContractView>>> Charge(SubscriptionChargeRequest request, Caller caller, IGrainFactory grains)
    {
        var charge = new SubscriptionCharge(
            Require.Id(request.ContractId, "contract_id"),
            Require.Id(request.MoId, "mo_id"),
            Require.Id(request.PublisherId, "publisher_id"),
            Require.Id(request.MpassId, "mpass_id"),
            Require.Text(request.Amount, "amount", 32),
            Require.Text(request.Currency, "currency", 3),
            request.Description is null ? null : Require.Text(request.Description, "description", 500),
            Require.Text(request.Signature, "signature", 8192));

        var version = request.TemplateVersion
            ?? (await grains.GetGrain<IContractTemplateGrain>(SubscriptionCharge.TemplateName).Find(null))?.Version
            ?? throw DomainException.NotFound(ErrorCodes.TemplateNotFound, $"Template '{SubscriptionCharge.TemplateName}' is not published.");
        return await ContractsApi.InitiateAsync(charge.ToContractInitiation(version), caller, grains);
    }

    public sealed record SubscriptionChargeRequest(
        string? ContractId,
        string? MoId,
        string? PublisherId,
        string? MpassId,
        string? Amount,
        string? Currency,
        string? Description,
        int? TemplateVersion,
        string? Signature);
}
