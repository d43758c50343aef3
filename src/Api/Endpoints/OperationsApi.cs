namespace Moneta.Api.Endpoints;

/// <summary>What load balancers and operators read: liveness.</summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new Health("ok"))).AllowAnonymous().WithTags("Operations");
        return app;
    }

    /// <summary>The silo answers: it is up.</summary>
    public sealed record Health(string Status);
}
