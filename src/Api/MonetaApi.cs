using Microsoft.Extensions.DependencyInjection;
using Moneta.Api.Endpoints;

namespace Moneta.Api;

/// <summary>The HTTP front door: wire format, problems, authentication, OpenAPI and every resource's routes.</summary>
public static class MonetaApi
{
    public static IServiceCollection AddMonetaApi(this IServiceCollection services, MonetaAuthOptions auth, RateLimitOptions rateLimits, IReadOnlyList<string> trustedProxies)
    {
        services.AddSingleton(auth);
        services.AddSingleton(rateLimits);
        services.AddTrustedProxies(trustedProxies);
        services.AddMonetaRateLimits(rateLimits);
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<ClientAssertions>();
        services.ConfigureHttpJsonOptions(options => MonetaJson.Configure(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("code", context.ProblemDetails.Status switch
            {
                404 => ErrorCodes.NotFound,
                413 => ErrorCodes.PayloadTooLarge,
                415 => ErrorCodes.UnsupportedMediaType,
                405 => ErrorCodes.MethodNotAllowed,
                _ => ErrorCodes.InvalidRequest,
            }));
        services.AddAuthentication(MonetaBearerHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, MonetaBearerHandler>(MonetaBearerHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddOpenApi();
        return services;
    }

    public static WebApplication UseMonetaApi(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseMonetaRateLimits(app.Services.GetRequiredService<RateLimitOptions>());
        app.UseAuthorization();
        app.Use(EnforceAuthorizationMatrix);
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapAuthApi()
            .MapOrganizationsApi()
            .MapMPassApi()
            .MapTemplatesApi()
            .MapContractsApi()
            .MapSubscriptionChargesApi()
            .MapWebhooksApi()
            .MapOperationsApi();
        return app;
    }

    /// <summary>
    /// Defence in depth from the one table: an endpoint that forgot its EnsureAdmin (or that an administrator
    /// must not drive, such as signing) is still refused by caller kind. Relations stay with endpoints and grains.
    /// </summary>
    private static Task EnforceAuthorizationMatrix(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity?.IsAuthenticated == true
            && context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } route }
            && AuthorizationMatrix.Find(context.Request.Method, route) is { } rule
            && !rule.AdmitsKindOf(Caller.From(context.User)))
        {
            return Problems.Of(403, ErrorCodes.Forbidden, "This kind of caller may not use this endpoint (docs/security.md).").ExecuteAsync(context);
        }

        return next(context);
    }
}
