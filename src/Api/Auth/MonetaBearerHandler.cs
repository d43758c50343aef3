using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Moneta.Organizations;

namespace Moneta.Api.Auth;

/// <summary>
/// Authenticates <c>Authorization: Bearer</c>: the configured admin token, or an access token Moneta issued
/// (ES256, our issuer and audience, not expired). Failures answer with a problem, never an empty 401.
/// </summary>
public sealed class MonetaBearerHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    MonetaAuthOptions auth,
    AccessTokens accessTokens,
    IGrainFactory grains) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MonetaBearer";

    private const string InactiveOrganizationItem = "moneta.inactive_organization";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthenticateResult.NoResult();
        var token = header["Bearer ".Length..].Trim();

        if (auth.IsAdminToken(token))
            return Success(new Claim(ClaimTypes.Role, Caller.AdminRole));

        if (await accessTokens.ValidateAsync(token) is not { } partner) return AuthenticateResult.Fail("invalid access token");

        // A token outlives nothing: once its organization is suspended or destroyed, it stops working at once
        // (the organization grain has one activation in the cluster, so a suspension made through any silo counts too).
        var organization = await grains.GetGrain<IOrganizationGrain>(partner.OrganizationId).Find();
        if (organization is not { IsActive: true })
        {
            Context.Items[InactiveOrganizationItem] = organization?.Status ?? OrganizationStatuses.Destroyed;
            return AuthenticateResult.Fail("organization not active");
        }

        return Success(new Claim("sub", partner.OrganizationId), new Claim(Caller.KindClaim, partner.Kind));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[InactiveOrganizationItem] is string status)
        {
            return Problems.Of(403, ErrorCodes.OrganizationNotActive, $"Your organization is {status}; its access tokens no longer work.")
                .ExecuteAsync(Context);
        }

        var hasToken = Request.Headers.Authorization.Count > 0;
        Response.Headers.WWWAuthenticate = hasToken ? "Bearer error=\"invalid_token\"" : "Bearer";
        return Problems.Of(401, hasToken ? ErrorCodes.InvalidToken : ErrorCodes.Unauthenticated,
            hasToken ? "The bearer token is not valid: expired, not issued by Moneta, or malformed." : "Send 'Authorization: Bearer <access token>' (see POST /api/v1/auth/token).")
            .ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Of(403, ErrorCodes.Forbidden, "This caller may not use this endpoint.").ExecuteAsync(Context);

    private AuthenticateResult Success(params Claim[] claims) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, "sub", ClaimTypes.Role)), SchemeName));
}
