namespace Moneta.Api.Endpoints;

/// <summary>What operators read: liveness and the grain runtime's metrics (the dashboard's source).</summary>
public static class OperationsApi
{
    public static IEndpointRouteBuilder MapOperationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", () => TypedResults.Ok(new Health("ok"))).AllowAnonymous().WithTags("Operations");
        app.MapGet("/api/v1/admin/metrics/grains", GetGrainMetrics).RequireAuthorization().WithTags("Operations");
        return app;
    }

    /// <summary>The silo answers: it is up.</summary>
    public sealed record Health(string Status);

    public static Ok<GrainRuntimeSnapshot> GetGrainMetrics(Caller caller, IGrainRuntimeMetrics metrics)
    {
        caller.EnsureAdmin();
        return TypedResults.Ok(metrics.Snapshot());
    }
}
