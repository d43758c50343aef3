using System.Text.Json;
using Moneta.Audit;
using Moneta.Organizations;

namespace Moneta.Api.Endpoints;

/// <summary>
/// MOs and publishers: registration, lifecycle and listing by an administrator; profile and keys by the
/// organization itself or an administrator; the audit log of every change.
/// </summary>
public static class OrganizationsApi
{
    private const int MaxMetadataBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/organizations").WithTags("Organizations").RequireAuthorization();
        api.MapPost("/{kind}", Register);
        api.MapGet("/{kind}", List);
        api.MapGet("/{kind}/{id}", Get);
        api.MapPut("/{kind}/{id}", UpdateProfile);
        api.MapPut("/{kind}/{id}/status", ChangeStatus);
        api.MapGet("/{kind}/{id}/audit", GetAudit);
        api.MapPost("/{kind}/{id}/keys", AddKey);
        api.MapPost("/{kind}/{id}/keys/{kid}/retire", RetireKey);
        api.MapPost("/{kind}/{id}/keys/{kid}/revoke", RevokeKey);
        return app;
    }

    public static async Task<Created<OrganizationView>> Register(string kind, RegisterOrganizationRequest request, Caller caller, NewResourceId newId, IGrainFactory grains)
    {
        caller.EnsureAdmin();
        kind = Require.OneOf(kind, "kind", OrganizationKinds.Mo, OrganizationKinds.Publisher);
        var id = request.Id is null ? newId.Value : Require.Id(request.Id, "id");
        var profile = Profile(request.Name, request.Metadata, request.Services, request.Industries);
        string? mic = null;
        if (kind == OrganizationKinds.Mo)
            mic = Require.Id(request.Mic, "mic");
        else if (request.Mic is not null)
            throw DomainException.Invalid(ErrorCodes.InvalidField, "'mic' is for MOs only.");

        var registration = new OrganizationRegistration(kind, profile, mic, Require.Present(request.Keys, "keys"), caller.Actor);
        var organization = await grains.GetGrain<IOrganizationGrain>(id).Register(registration);
        return TypedResults.Created($"/api/v1/organizations/{kind}/{id}", organization);
    }

    /// <summary>Organizations of one kind, oldest first, optionally of one status.</summary>
    public static async Task<Ok<Page<OrganizationView>>> List(string kind, string? status, string? cursor, int? limit, Caller caller, IGrainFactory grains, IGrainIndex index)
    {
        caller.EnsureAdmin();
        kind = Require.OneOf(kind, "kind", OrganizationKinds.Mo, OrganizationKinds.Publisher);
        var page = status is null
            ? await Paging.QueryAsync<IOrganizationGrain>(index, "kind", kind, cursor, limit)
            : await Paging.QueryAsync<IOrganizationGrain>(index, "kind_status", $"{kind}/{Require.OneOf(status, "status", OrganizationStatuses.All)}", cursor, limit);
        var organizations = await Task.WhenAll(page.Keys.Select(id => grains.GetGrain<IOrganizationGrain>(id).Find()));
        return TypedResults.Ok(new Page<OrganizationView>([.. organizations.OfType<OrganizationView>()], page.NextCursor));
    }

    public static async Task<Ok<OrganizationView>> Get(string kind, string id, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdminOr(id);
        return TypedResults.Ok(await FindAsync(grains, kind, id));
    }

    /// <summary>Replaces the profile: members left out are cleared.</summary>
    public static async Task<Ok<OrganizationView>> UpdateProfile(string kind, string id, UpdateProfileRequest request, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdminOr(id);
        await FindAsync(grains, kind, id);
        var profile = Profile(request.Name, request.Metadata, request.Services, request.Industries);
        return TypedResults.Ok(await grains.GetGrain<IOrganizationGrain>(id).UpdateProfile(profile, caller.Actor));
    }

    public static async Task<Ok<OrganizationView>> ChangeStatus(string kind, string id, ChangeStatusRequest request, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdmin();
        await FindAsync(grains, kind, id);
        var change = new OrganizationStatusChange(Require.Text(request.Status, "status", 32), caller.Actor, Reason(request.Reason));
        return TypedResults.Ok(await grains.GetGrain<IOrganizationGrain>(id).ChangeStatus(change));
    }

    public static async Task<Ok<LifecycleTrail>> GetAudit(string kind, string id, string? cursor, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdminOr(id);
        await FindAsync(grains, kind, id);
        return TypedResults.Ok((await grains.GetGrain<IOrganizationGrain>(id).Audit(cursor))!);
    }

    /// <summary>The body is the JWK itself (docs/protocol.md section 6); its validity window rides in the query.</summary>
    public static async Task<Created<OrganizationView>> AddKey(
        string kind, string id, JsonElement jwk, DateTimeOffset? not_before, DateTimeOffset? not_after, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdminOr(id);
        await FindAsync(grains, kind, id);
        var organization = await grains.GetGrain<IOrganizationGrain>(id).AddKey(new NewOrganizationKey(jwk, not_before, not_after, caller.Actor));
        return TypedResults.Created($"/api/v1/organizations/{kind}/{id}", organization);
    }

    public static async Task<Ok<OrganizationView>> RetireKey(string kind, string id, string kid, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdminOr(id);
        await FindAsync(grains, kind, id);
        return TypedResults.Ok(await grains.GetGrain<IOrganizationGrain>(id).RetireKey(Require.Id(kid, "kid"), caller.Actor));
    }

    public static async Task<Ok<OrganizationView>> RevokeKey(string kind, string id, string kid, RevokeKeyRequest request, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdminOr(id);
        await FindAsync(grains, kind, id);
        var reason = Require.Text(request.Reason, "reason", 1000);
        return TypedResults.Ok(await grains.GetGrain<IOrganizationGrain>(id).RevokeKey(Require.Id(kid, "kid"), reason, caller.Actor));
    }

    private static OrganizationProfile Profile(string? name, JsonElement? metadata, IReadOnlyList<string?>? services, IReadOnlyList<string?>? industries) => new(
        Require.Text(name, "name", 200),
        Require.FreeFormObject(metadata, "metadata", MaxMetadataBytes),
        Require.Codes(services, "services"),
        Require.Codes(industries, "industries"));

    private static string? Reason(string? reason) => reason is null ? null : Require.Text(reason, "reason", 1000);

    internal static async Task<OrganizationView> FindAsync(IGrainFactory grains, string kind, string id)
    {
        Require.Id(id, "id");
        var organization = await grains.GetGrain<IOrganizationGrain>(id).Find();
        return organization is not null && organization.Kind == kind
            ? organization
            : throw DomainException.NotFound(ErrorCodes.OrganizationNotFound, $"No {kind} has id '{id}'.");
    }

    public sealed record RegisterOrganizationRequest(
        string? Id, string? Name, string? Mic, IReadOnlyList<JsonElement>? Keys, JsonElement? Metadata, IReadOnlyList<string?>? Services, IReadOnlyList<string?>? Industries);

    public sealed record UpdateProfileRequest(string? Name, JsonElement? Metadata, IReadOnlyList<string?>? Services, IReadOnlyList<string?>? Industries);

    public sealed record ChangeStatusRequest(string? Status, string? Reason);

    public sealed record RevokeKeyRequest(string? Reason);
}
