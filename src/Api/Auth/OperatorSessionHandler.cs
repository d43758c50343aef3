using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Moneta.Api.Endpoints;

namespace Moneta.Api.Auth;

/// <summary>
/// Authenticates an operator's browser by its <see cref="OperatorSession"/> cookie. Without one, a browser asking for
/// a page is sent to the sign-in page; anything else (a script, the dashboard's own API calls) gets a 401 problem.
/// </summary>
public sealed class OperatorSessionHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    OperatorSession sessions) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "OperatorSession";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Cookies.TryGetValue(OperatorSession.CookieName, out var cookie)) return Task.FromResult(AuthenticateResult.NoResult());
        if (!sessions.IsValid(cookie)) return Task.FromResult(AuthenticateResult.Fail("operator session expired or not Moneta's"));

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Role, Caller.AdminRole)], SchemeName, "sub", ClaimTypes.Role);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (AcceptsHtml(Request))
        {
            Response.Redirect($"{OperatorsPaths.SignIn}?return={Uri.EscapeDataString(Request.PathBase + Request.Path + Request.QueryString)}");
            return Task.CompletedTask;
        }

        return Problems.Of(401, ErrorCodes.Unauthenticated, $"Sign in at {OperatorsPaths.SignIn} with the admin token, or send it as 'Authorization: Bearer'.").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.Of(403, ErrorCodes.Forbidden, "Only operators may use this.").ExecuteAsync(Context);

    private static bool AcceptsHtml(HttpRequest request) =>
        MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(media => media.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
}
