using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Net.Http.Headers;
using Moneta.Api.Endpoints;
using Moneta.Api.OpenApi;
using Scalar.AspNetCore;

namespace Moneta.Api;

/// <summary>The HTTP front door: wire format, problems, authentication, OpenAPI and every resource's routes.</summary>
public static class MonetaApi
{
    private const string OperatorsScheme = "Operators";

    public static IServiceCollection AddMonetaApi(this IServiceCollection services, MonetaAuthOptions auth, RateLimitOptions rateLimits, IReadOnlyList<string> trustedProxies, OperatorsOptions operators)
    {
        services.AddSingleton(auth);
        services.AddSingleton(operators);
        services.AddSingleton<OperatorSession>();
        services.AddSingleton(rateLimits);
        services.AddTrustedProxies(trustedProxies);
        services.AddMonetaRateLimits(rateLimits);
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<ClientAssertions>();
        services.ConfigureHttpJsonOptions(options => MonetaJson.Configure(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Extensions.TryAdd("code", Problems.CodeOf(context.ProblemDetails.Status ?? 400)));
        services.AddKeyedSingleton(WallClock.Key, TimeProvider.System);
        services.AddMonetaBearer()
            .AddScheme<AuthenticationSchemeOptions, OperatorSessionHandler>(OperatorSessionHandler.SchemeName, null)
            // An operator route takes the admin token from a script, or an operator session from a browser.
            .AddPolicyScheme(OperatorsScheme, null, options => options.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? JwtBearerDefaults.AuthenticationScheme : OperatorSessionHandler.SchemeName);
        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorsApi.Policy, policy => policy.AddAuthenticationSchemes(OperatorsScheme).RequireRole(Caller.AdminRole));
        services.AddMonetaOpenApi();
        return services;
    }

    public static WebApplication UseMonetaApi(this WebApplication app)
    {
        app.UseTrustedProxies();
        app.UseExceptionHandler();
        // Written as problems whatever the Accept header says: the default falls back to text/plain when a client
        // accepts no JSON, and a refusal without a problem body has no code to act on.
        app.UseStatusCodePages(context =>
        {
            var status = context.HttpContext.Response.StatusCode;
            return Problems.Of(status, Problems.CodeOf(status), Problems.DetailOf(status)).ExecuteAsync(context.HttpContext);
        });
        app.Use(CarryTraceIntoGrainCalls);
        app.Use(RefuseUndecodableCharset);
        app.UseAuthentication();
        app.UseMonetaRateLimits(app.Services.GetRequiredService<RateLimitOptions>());
        app.UseAuthorization();
        app.Use(EnforceAuthorizationMatrix);
        app.Use(QueryParameters.RefuseUnknown);
        app.Use(IdempotencyKeys.Middleware);
        // One document, at a fixed address: the OpenAPI handler answers an unknown document name with a plain-text 404.
        app.MapOpenApi("/openapi/v1.json");
        // The API reference for people, in development only (it loads the document above in the browser).
        if (app.Environment.IsDevelopment())
            app.MapScalarApiReference("/docs", options => options.WithTitle("Moneta Core API").WithOpenApiRoutePattern("/openapi/v1.json"));
        app.MapAuthApi()
            .MapOrganizationsApi()
            .MapMPassApi()
            .MapTemplatesApi()
            .MapContractsApi()
            .MapSubscriptionChargesApi()
            .MapDisputesApi()
            .MapSettlementsApi()
            .MapWebhooksApi()
            .MapOperationsApi()
            .MapOperatorsApi(app.Services.GetRequiredService<OperatorsOptions>());
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

    /// <summary>The request's trace context rides along every grain call it makes, into the events they send and their webhooks.</summary>
    private static Task CarryTraceIntoGrainCalls(HttpContext context, RequestDelegate next)
    {
        TraceContext.CarryCurrent();
        return next(context);
    }

    /// <summary>
    /// A body in a charset that cannot be decoded fails deep in the framework's JSON reader, as an error the
    /// exception handler cannot tell from a bug. It is the client's media type that is wrong, so it is refused as one.
    /// </summary>
    private static Task RefuseUndecodableCharset(HttpContext context, RequestDelegate next)
    {
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            && HeaderUtilities.RemoveQuotes(mediaType.Charset) is { Length: > 0 } charset
            && !IsDecodable(charset.Value!))
        {
            return Problems.Of(415, ErrorCodes.UnsupportedMediaType, "The body's charset is not one Moneta can decode; send UTF-8.").ExecuteAsync(context);
        }

        return next(context);
    }

    private static bool IsDecodable(string charset)
    {
        try
        {
            Encoding.GetEncoding(charset);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
