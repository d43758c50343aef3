using System.Text.Json;
using Moneta.Organizations;

namespace Moneta.Api.Endpoints;

/// <summary>MOs and publishers: registration by an administrator, status, and public keys.</summary>
public static class OrganizationsApi
{
    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/organizations").WithTags("Organizations").RequireAuthorization();
        api.MapPost("/{kind}", Register);
        api.MapGet("/{kind}/{id}", Get);
        api.MapPut("/{kind}/{id}/status", ChangeStatus);
        api.MapPost("/{kind}/{id}/keys", AddKey);
        return app;
    }

    public static async Task<Created<OrganizationView>> Register(string kind, RegisterOrganizationRequest request, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdmin();
        kind = Require.OneOf(kind, "kind", OrganizationKinds.Mo, OrganizationKinds.Publisher);
        var id = request.Id is null ? Guid.NewGuid().ToString() : Require.Id(request.Id, "id");
        var name = Require.Text(request.Name, "name", 200);
        string? mic = null;
        if (kind == OrganizationKinds.Mo)
            mic = Require.Id(request.Mic, "mic");
        else if (request.Mic is not null)
            throw DomainException.Invalid(ErrorCodes.InvalidField, "'mic' is for MOs only.");

        var registration = new OrganizationRegistration(kind, name, mic, Require.Present(request.Keys, "keys"));
        var organization = await grains.GetGrain<IOrganizationGrain>(id).Register(registration);
        return TypedResults.Created($"/api/v1/organizations/{kind}/{id}", organization);
    }

    public static async Task<Ok<OrganizationView>> Get(string kind, string id, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdminOr(id);
        return TypedResults.Ok(await FindAsync(grains, kind, id));
    }

    public static async Task<Ok<OrganizationView>> ChangeStatus(string kind, string id, ChangeStatusRequest request, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdmin();
        await FindAsync(grains, kind, id);
        var status = Require.Present(request.Status, "status");
        return TypedResults.Ok(await grains.GetGrain<IOrganizationGrain>(id).ChangeStatus(status));
    }

    public static async Task<Created<OrganizationView>> AddKey(string kind, string id, JsonElement jwk, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdminOr(id);
        await FindAsync(grains, kind, id);
        var organization = await grains.GetGrain<IOrganizationGrain>(id).AddKey(jwk);
        return TypedResults.Created($"/api/v1/organizations/{kind}/{id}", organization);
    }

    internal static async Task<OrganizationView> FindAsync(IGrainFactory grains, string kind, string id)
    {
        Require.Id(id, "id");
        var organization = await grains.GetGrain<IOrganizationGrain>(id).Find();
        return organization is not null && organization.Kind == kind
            ? organization
            : throw DomainException.NotFound(ErrorCodes.OrganizationNotFound, $"No {kind} has id '{id}'.");
    }

    public sealed record RegisterOrganizationRequest(string? Id, string? Name, string? Mic, IReadOnlyList<JsonElement>? Keys);

    public sealed record ChangeStatusRequest(string? Status);
}
