using System.Text.Json;
using Moneta.Contracts;
using Moneta.Disputes;
using Moneta.SubscriptionCharges;

namespace Moneta.Api.Endpoints;

/// <summary>
/// The multi-signature contract flow. Each step is answered after the contract grain has verified and stored it,
/// so a partner learns at once whether its signature was accepted.
/// </summary>
public static class ContractsApi
{
    public static IEndpointRouteBuilder MapContractsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/contracts").WithTags("Contracts").RequireAuthorization();
        api.MapPost("/", Initiate);
        api.MapGet("/", List);
        api.MapGet("/{id}", Get);
        api.MapGet("/{id}/audit", GetAudit);
        api.MapGet("/{id}/verification", GetVerification);
        api.MapPost("/{id}/signatures", Sign);
        api.MapPost("/{id}/rejection", Reject);
        api.MapPost("/{id}/void", Void);
        return app;
    }

    public static async Task<Results<Created<ContractView>, Ok<ContractView>>> Initiate(InitiateContractRequest request, Caller caller, IGrainFactory grains)
    {
        var initiation = new ContractInitiation(
            Require.Id(request.ContractId, "contract_id"),
            Require.Id(request.TemplateId, "template_id"),
            Require.Present(request.TemplateVersion, "template_version"),
            Require.Id(request.MoId, "mo_id"),
            Require.Id(request.PublisherId, "publisher_id"),
            // A template that names no mPass (settlement terms) signs over mpass_id: null; the template decides.
            request.MpassId is null ? null : Require.Id(request.MpassId, "mpass_id"),
            Require.WellFormedJson(request.Payload, "payload"),
            Require.Text(request.Signature, "signature", 8192));
        return await InitiateAsync(initiation, caller, grains);
    }

    /// <summary>201 when this request created the contract; 200 when it is a retry of the one that did.</summary>
    internal static async Task<Results<Created<ContractView>, Ok<ContractView>>> InitiateAsync(ContractInitiation initiation, Caller caller, IGrainFactory grains)
    {
        var (contract, created) = await grains.GetGrain<IContractGrain>(initiation.ContractId).Initiate(initiation, caller.Party);
        return created ? TypedResults.Created($"/api/v1/contracts/{contract.ContractId}", contract) : TypedResults.Ok(contract);
    }

    /// <summary>A charge read by itself also lists its disputes.</summary>
    public static async Task<Ok<ContractView>> Get(string id, Caller caller, IGrainFactory grains)
    {
        var contract = await FindVisibleAsync(id, caller, grains);
        return TypedResults.Ok(contract.TemplateId == SubscriptionCharge.TemplateName
            ? contract with { Disputes = await grains.GetGrain<IChargeDisputesGrain>(id).List() }
            : contract);
    }

    public static async Task<Ok<AuditTrail>> GetAudit(string id, Caller caller, IGrainFactory grains)
    {
        await FindVisibleAsync(id, caller, grains);
        return TypedResults.Ok((await grains.GetGrain<IContractGrain>(id).Audit())!);
    }

    /// <summary>Readable by the parties even after either was suspended (by the other, and by an administrator).</summary>
    public static async Task<Ok<ContractVerification>> GetVerification(string id, Caller caller, IGrainFactory grains)
    {
        await FindVisibleAsync(id, caller, grains);
        return TypedResults.Ok((await grains.GetGrain<IContractGrain>(id).Verify())!);
    }

    public static async Task<Ok<ContractView>> Sign(string id, SignContractRequest request, Caller caller, IGrainFactory grains)
    {
        Require.Id(id, "id");
        var role = Require.Text(request.Role, "role", 32);
        var signature = Require.Text(request.Signature, "signature", 8192);
        return TypedResults.Ok(await grains.GetGrain<IContractGrain>(id).Sign(role, signature, caller.Party));
    }

    public static async Task<Ok<ContractView>> Reject(string id, RejectContractRequest request, Caller caller, IGrainFactory grains)
    {
        Require.Id(id, "id");
        var role = Require.Text(request.Role, "role", 32);
        var reason = Require.Text(request.Reason, "reason", 1000);
        var signature = Require.Text(request.Signature, "signature", 8192);
        return TypedResults.Ok(await grains.GetGrain<IContractGrain>(id).Reject(role, reason, signature, caller.PartyId));
    }

    public static async Task<Ok<ContractView>> Void(string id, Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IContractGrain>(Require.Id(id, "id")).Void(caller.PartyId));

    /// <summary>A party, a status, both, or an mPass; optionally a creation time range (<see cref="ContractListing"/>).</summary>
    public static async Task<Ok<ContractPage>> List(
        string? mo_id, string? publisher_id, string? mpass_id, string? status, string? created_after, string? created_before, string? cursor, int? limit,
        Caller caller, IGrainFactory grains, IGrainIndex index, TimeProvider clock)
    {
        var filter = new ContractFilter(mo_id, publisher_id, mpass_id, status,
            Require.Timestamp(created_after, "created_after"), Require.Timestamp(created_before, "created_before"));
        return TypedResults.Ok(await ContractListing.ListAsync(filter, cursor, limit, caller, grains, index, clock));
    }

    /// <summary>A contract the caller is not a party to answers as not found: contract ids cannot be probed.</summary>
    private static async Task<ContractView> FindVisibleAsync(string id, Caller caller, IGrainFactory grains)
    {
        Require.Id(id, "id");
        var contract = await grains.GetGrain<IContractGrain>(id).Find();
        return contract is not null && (caller.IsAdmin || contract.IsParty(caller.OrganizationId!))
            ? contract
            : throw DomainException.NotFound(ErrorCodes.ContractNotFound, $"No contract with id '{id}' is visible to you.");
    }

    public sealed record InitiateContractRequest(
        string? ContractId,
        string? TemplateId,
        int? TemplateVersion,
        string? MoId,
        string? PublisherId,
        string? MpassId,
        JsonElement? Payload,
        string? Signature);

    public sealed record SignContractRequest(string? Role, string? Signature);

    public sealed record RejectContractRequest(string? Role, string? Reason, string? Signature);

    public sealed record ContractPage(IReadOnlyList<ContractView> Items, string? NextCursor);
}
