using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Moneta.Organizations;

namespace Moneta.Api.Auth;

/// <summary>
/// <c>Authorization: Bearer</c> through ASP.NET Core's JwtBearer handler (ADR 0009): a Moneta access token validated
/// by <see cref="AccessTokens.Validation"/>, or the configured admin token. Moneta adds four things to the handler:
/// the admin token, the organization's standing read through on every request, refusals as problems that say what
/// went wrong (an expired token says when it expired), and a memory of the tokens already verified
/// (<see cref="RememberedAccessTokens"/>).
/// </summary>
public static class MonetaBearer
{
    private const string InactiveOrganizationItem = "moneta.inactive_organization";

    public static AuthenticationBuilder AddMonetaBearer(this IServiceCollection services)
    {
        var authentication = services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<AccessTokens, MonetaAuthOptions, TimeProvider>((options, tokens, auth, clock) =>
        {
            options.MapInboundClaims = false;
            options.TokenValidationParameters = tokens.Validation;
            options.TokenHandlers.Clear();
            options.TokenHandlers.Add(new RememberedAccessTokens(auth, clock) { MapInboundClaims = false });
            options.Events = new JwtBearerEvents
            {
                OnMessageReceived = context =>
                {
                    if (BearerToken(context.Request) is { } token && auth.IsAdminToken(token))
                    {
                        context.Principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, Caller.AdminRole)], "AdminToken", "sub", ClaimTypes.Role));
                        context.Success();
                    }

                    return Task.CompletedTask;
                },
                OnTokenValidated = EnsureOrganizationActiveAsync,
                OnChallenge = context =>
                {
                    context.HandleResponse();
                    return ChallengeProblem(context).ExecuteAsync(context.HttpContext);
                },
                OnForbidden = context => Problems.Of(403, ErrorCodes.Forbidden, "This caller may not use this endpoint.").ExecuteAsync(context.HttpContext),
            };
        });
        return authentication;
    }

    /// <summary>
    /// A token outlives nothing: once its organization is suspended or destroyed it stops working at once (the
    /// organization grain has one activation in the cluster, so a suspension made through any silo counts too).
    /// </summary>
    private static async Task EnsureOrganizationActiveAsync(TokenValidatedContext context)
    {
        var organizationId = context.Principal?.FindFirstValue("sub");
        var organization = organizationId is null ? null : await context.HttpContext.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IOrganizationGrain>(organizationId).Find();
        if (organization is not { IsActive: true })
        {
            context.HttpContext.Items[InactiveOrganizationItem] = organization?.Status ?? OrganizationStatuses.Destroyed;
            context.Fail("organization not active");
            return;
        }

        // A contract step checks its signer's standing and keys: this read serves it too (Caller.Party).
        context.HttpContext.Items[Caller.OrganizationItem] = organization;
    }

    private static IResult ChallengeProblem(JwtBearerChallengeContext context)
    {
        if (context.HttpContext.Items[InactiveOrganizationItem] is string status)
            return Problems.Of(403, ErrorCodes.OrganizationNotActive, $"Your organization is {status}; its access tokens no longer work.");

        var hasToken = context.Request.Headers.Authorization.Count > 0;
        context.Response.Headers.WWWAuthenticate = hasToken ? "Bearer error=\"invalid_token\"" : "Bearer";
        if (!hasToken)
            return Problems.Of(401, ErrorCodes.Unauthenticated, "Send 'Authorization: Bearer <access token>' (see POST /api/v1/auth/token).");
        return Problems.Of(401, ErrorCodes.InvalidToken, context.AuthenticateFailure switch
        {
            SecurityTokenExpiredException expired => $"The access token expired at {expired.Expires:O}; request a new one (POST /api/v1/auth/token).",
            SecurityTokenNotYetValidException early => $"The access token is not valid before {early.NotBefore:O}.",
            _ => "The bearer token is not valid: not issued by this Moneta, or malformed.",
        });
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
