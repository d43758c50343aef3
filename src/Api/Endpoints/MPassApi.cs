using Moneta.Audit;
using Moneta.Contracts;
using Moneta.MPasses;

namespace Moneta.Api.Endpoints;

/// <summary>
/// mPasses: issued by an MO to its members, changed only by that MO or an administrator (the grain enforces it).
/// A publisher may read an mPass that appears in one of its contracts, and nothing more.
/// </summary>
public static class MPassApi
{
    public static IEndpointRouteBuilder MapMPassApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/mpass").WithTags("mPass").RequireAuthorization();
        api.MapPost("/", Issue);
        api.MapGet("/", List);
        api.MapGet("/{id}", Get);
        api.MapGet("/{id}/audit", GetAudit);
        api.MapPut("/{id}/status", ChangeStatus);
        api.MapPut("/{id}/tier", ChangeTier);
        return app;
    }

    public static async Task<Created<MPassView>> Issue(IssueMPassRequest request, Caller caller, NewResourceId newId, IGrainFactory grains)
    {
        var moId = Require.Id(request.MoId, "mo_id");
        caller.EnsureAdminOr(moId);
        var issue = new MPassIssue(moId, Require.Id(request.Tier, "tier"), request.ValidUntil, caller.Actor);
        var id = newId.Value;
        var mpass = await grains.GetGrain<IMPassGrain>(id).Issue(issue);
        return TypedResults.Created($"/api/v1/mpass/{id}", mpass);
    }

    /// <summary>The mPasses one MO issued, oldest first: for that MO or an administrator.</summary>
    public static async Task<Ok<Page<MPassView>>> List(string? mo_id, string? cursor, int? limit, Caller caller, IGrainFactory grains, IGrainIndex index)
    {
        var moId = Require.Id(mo_id, "mo_id");
        caller.EnsureAdminOr(moId);
        var page = await Paging.QueryAsync<IMPassGrain>(index, "mo_id", moId, cursor, limit);
        var mpasses = await Task.WhenAll(page.Keys.Select(id => grains.GetGrain<IMPassGrain>(id).Find()));
        return TypedResults.Ok(new Page<MPassView>([.. mpasses.OfType<MPassView>()], page.NextCursor));
    }

    public static async Task<Ok<MPassView>> Get(string id, Caller caller, IGrainFactory grains, IGrainIndex index)
    {
        Require.Id(id, "id");
        var mpass = await grains.GetGrain<IMPassGrain>(id).Find();
        return mpass is not null && (caller.IsAdminOr(mpass.MoId) || await AppearsInContractOfAsync(caller, id, index))
            ? TypedResults.Ok(mpass)
            : throw NotVisible(id);
    }

    public static async Task<Ok<LifecycleTrail>> GetAudit(string id, string? cursor, Caller caller, IGrainFactory grains)
    {
        Require.Id(id, "id");
        var mpass = await grains.GetGrain<IMPassGrain>(id).Find();
        if (mpass is null || !caller.IsAdminOr(mpass.MoId)) throw NotVisible(id);
        return TypedResults.Ok((await grains.GetGrain<IMPassGrain>(id).Audit(cursor))!);
    }

    public static async Task<Ok<MPassView>> ChangeStatus(string id, ChangeMPassStatusRequest request, Caller caller, IGrainFactory grains)
    {
        Require.Id(id, "id");
        var change = new MPassStatusChange(Require.Text(request.Status, "status", 32), caller.Actor, request.Reason is null ? null : Require.Text(request.Reason, "reason", 1000));
        return TypedResults.Ok(await grains.GetGrain<IMPassGrain>(id).ChangeStatus(change));
    }

    public static async Task<Ok<MPassView>> ChangeTier(string id, ChangeTierRequest request, Caller caller, IGrainFactory grains)
    {
        Require.Id(id, "id");
        return TypedResults.Ok(await grains.GetGrain<IMPassGrain>(id).ChangeTier(Require.Id(request.Tier, "tier"), caller.Actor));
    }

    /// <summary>A publisher sees an mPass once a contract names both (the contracts' publisher_mpass index).</summary>
    private static async Task<bool> AppearsInContractOfAsync(Caller caller, string mpassId, IGrainIndex index) =>
        caller.OrganizationId is { } publisherId
        && (await index.QueryAsync<IContractGrain>("publisher_mpass", $"{publisherId}/{mpassId}", null, 1)).Keys.Count > 0;

    /// <summary>Another organization's mPass answers as not found, so mPass ids cannot be probed.</summary>
    private static DomainException NotVisible(string id) => DomainException.NotFound(ErrorCodes.MPassNotFound, $"No mPass with id '{id}' is visible to you.");

    public sealed record IssueMPassRequest(string? MoId, string? Tier, DateTimeOffset? ValidUntil);

    public sealed record ChangeMPassStatusRequest(string? Status, string? Reason);

    public sealed record ChangeTierRequest(string? Tier);
}
