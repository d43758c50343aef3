using Moneta.MPasses;

namespace Moneta.Api.Endpoints;

/// <summary>mPasses: issued by an MO to its members, changed only by that MO or an administrator.</summary>
public static class MPassApi
{
    public static IEndpointRouteBuilder MapMPassApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/mpass").WithTags("mPass").RequireAuthorization();
        api.MapPost("/", Issue);
        api.MapGet("/{id}", Get);
        api.MapPut("/{id}/status", ChangeStatus);
        return app;
    }

    public static async Task<Created<MPassView>> Issue(IssueMPassRequest request, Caller caller, IGrainFactory grains)
    {
        var moId = Require.Id(request.MoId, "mo_id");
        caller.EnsureAdminOr(moId);
        var issue = new MPassIssue(moId, Require.Id(request.Tier, "tier"), request.ValidUntil);
        var id = Guid.NewGuid().ToString();
        var mpass = await grains.GetGrain<IMPassGrain>(id).Issue(issue);
        return TypedResults.Created($"/api/v1/mpass/{id}", mpass);
    }

    public static async Task<Ok<MPassView>> Get(string id, Caller caller, IGrainFactory grains) =>
        TypedResults.Ok(await FindOwnAsync(id, caller, grains));

    public static async Task<Ok<MPassView>> ChangeStatus(string id, ChangeMPassStatusRequest request, Caller caller, IGrainFactory grains)
    {
        await FindOwnAsync(id, caller, grains);
        return TypedResults.Ok(await grains.GetGrain<IMPassGrain>(id).ChangeStatus(Require.Present(request.Status, "status")));
    }

    /// <summary>Another organization's mPass answers as not found, so mPass ids cannot be probed.</summary>
    private static async Task<MPassView> FindOwnAsync(string id, Caller caller, IGrainFactory grains)
    {
        Require.Id(id, "id");
        var mpass = await grains.GetGrain<IMPassGrain>(id).Find();
        return mpass is not null && caller.IsAdminOr(mpass.MoId)
            ? mpass
            : throw DomainException.NotFound(ErrorCodes.MPassNotFound, $"No mPass with id '{id}' is visible to you.");
    }

    public sealed record IssueMPassRequest(string? MoId, string? Tier, DateTimeOffset? ValidUntil);

    public sealed record ChangeMPassStatusRequest(string? Status);
}
