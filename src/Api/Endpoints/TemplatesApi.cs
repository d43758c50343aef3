using Moneta.Templates;

namespace Moneta.Api.Endpoints;

/// <summary>Contract templates: any partner reads them; an administrator publishes new versions.</summary>
public static class TemplatesApi
{
    private const int MaxYamlLength = 64 * 1024;

    public static IEndpointRouteBuilder MapTemplatesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/templates").WithTags("Templates").RequireAuthorization();
        api.MapGet("/{name}", List);
        api.MapGet("/{name}/versions/{version:int}", Get);
        api.MapPost("/{name}/versions", Publish);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<TemplateVersion>>> List(string name, IGrainFactory grains)
    {
        var versions = await grains.GetGrain<IContractTemplateGrain>(Require.Id(name, "name")).List();
        return versions.Count > 0 ? TypedResults.Ok(versions) : throw NotFound(name);
    }

    public static async Task<Ok<TemplateVersion>> Get(string name, int version, IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<IContractTemplateGrain>(Require.Id(name, "name")).Find(version) ?? throw NotFound(name));

    public static async Task<Created<TemplateVersion>> Publish(string name, PublishTemplateRequest request, Caller caller, IGrainFactory grains)
    {
        caller.EnsureAdmin();
        var yaml = Require.Present(request.Yaml, "yaml");
        if (yaml.Length > MaxYamlLength)
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'yaml' may be at most {MaxYamlLength} characters.");
        var published = await grains.GetGrain<IContractTemplateGrain>(Require.Id(name, "name")).Publish(yaml);
        return TypedResults.Created($"/api/v1/templates/{name}/versions/{published.Version}", published);
    }

    private static DomainException NotFound(string name) => DomainException.NotFound(ErrorCodes.TemplateNotFound, $"No template '{name}' (or not that version).");

    public sealed record PublishTemplateRequest(string? Yaml);
}
