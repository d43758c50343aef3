using Orleans.Dashboard;

namespace Moneta.Api.Endpoints;

/// <summary>
/// What operators use: the Orleans Dashboard (grain types, calls, silos, and grain state and logs, so operators
/// only), Prometheus metrics and the cluster's silos. Each needs the administrator: a script sends the admin token
/// as a bearer token, a browser opens an operator session at the sign-in page. When a management port is set
/// (Moneta:Management:Urls), these routes answer only there, on a port the load balancer never exposes.
/// </summary>
public static class OperatorsApi
{
    /// <summary>The authorization policy of every operator route: the administrator, by bearer token or operator session.</summary>
    public const string Policy = "Operators";

    public static IEndpointRouteBuilder MapOperatorsApi(this IEndpointRouteBuilder app, OperatorsOptions options)
    {
        var operators = app.MapGroup("").WithTags("Operators");
        if (options.ManagementHosts.Count > 0) operators.RequireHost([.. options.ManagementHosts]);

        operators.MapGet(OperatorsPaths.SignIn, SignInPage).AllowAnonymous().ExcludeFromDescription();
        operators.MapPost(OperatorsPaths.Session, OpenSession).AllowAnonymous();
        operators.MapDelete(OperatorsPaths.Session, CloseSession).AllowAnonymous();
        operators.MapGet(OperatorsPaths.Cluster, GetCluster).RequireAuthorization(Policy);
        operators.MapPrometheusScrapingEndpoint(OperatorsPaths.Metrics).RequireAuthorization(Policy).WithMetadata(new HttpMethodMetadata(["GET"]));
        operators.MapOrleansDashboard(OperatorsPaths.Dashboard).RequireAuthorization(Policy).ExcludeFromDescription()
            .AddEndpointFilter(RefuseWhatTheDashboardCannotRead);
        return app;
    }

    /// <summary>The admin token, once, for a session cookie (HTTP-only, SameSite=Strict, Secure outside development).</summary>
    public static IResult OpenSession(OpenSessionRequest request, HttpContext http, MonetaAuthOptions auth, OperatorSession sessions, OperatorsOptions options)
    {
        if (request.Token is not { } token || !auth.IsAdminToken(token))
            return Problems.Of(401, ErrorCodes.InvalidToken, "That is not the admin token.");
        var (value, expiresAt) = sessions.Open();
        http.Response.Cookies.Append(OperatorSession.CookieName, value, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = options.SecureCookies || http.Request.IsHttps,
            Path = "/",
            Expires = expiresAt,
        });
        return TypedResults.NoContent();
    }

    public static NoContent CloseSession(HttpContext http)
    {
        http.Response.Cookies.Delete(OperatorSession.CookieName, new CookieOptions { Path = "/" });
        return TypedResults.NoContent();
    }

    /// <summary>The silos membership knows of, the dead ones included until Orleans cleans them up.</summary>
    public static async Task<Ok<ClusterView>> GetCluster(IGrainFactory grains)
    {
        var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false);
        return TypedResults.Ok(new ClusterView([.. hosts
            .OrderBy(h => h.SiloName, StringComparer.Ordinal)
            .Select(h => new SiloView(h.SiloAddress.ToParsableString(), h.SiloName, h.HostName, h.Status.ToString().ToLowerInvariant(), h.StartTime))]));
    }

    /// <summary>
    /// The dashboard parses silo addresses, grain types and ids from the URL without checking them first, and fails
    /// on one it cannot read (sometimes while activating one of its own grains, which wraps the error). That is the
    /// caller's mistake, and is answered as one rather than as a 500.
    /// </summary>
    private static async ValueTask<object?> RefuseWhatTheDashboardCannotRead(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception e) when (CausedByUnreadableInput(e))
        {
            return Problems.Of(400, ErrorCodes.InvalidRequest, "The dashboard cannot read the silo address, grain type or grain id in this request.");
        }
    }

    private static bool CausedByUnreadableInput(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException) return true;
        }

        return false;
    }

    private static IResult SignInPage() => Results.Content(SignInHtml, "text/html; charset=utf-8");

    public sealed record OpenSessionRequest(string? Token);

    public sealed record ClusterView(IReadOnlyList<SiloView> Silos);

    public sealed record SiloView(string Address, string Name, string HostName, string Status, DateTime StartedAt);

    private const string SignInHtml = """
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>Moneta operators: sign in</title>
          <style>
            body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 6rem auto; color: #1f2933; }
            input, button { font-size: 1rem; padding: .5rem; width: 100%; box-sizing: border-box; margin-top: .5rem; }
            #error { color: #b42318; min-height: 1.5rem; }
          </style>
        </head>
        <body>
          <h1>Moneta operators</h1>
          <p>The dashboard shows grain state and logs. Sign in with the admin token.</p>
          <form id="sign-in">
            <label for="token">Admin token</label>
            <input id="token" name="token" type="password" autocomplete="current-password" required>
            <button type="submit">Sign in</button>
          </form>
          <p id="error" role="alert"></p>
          <script>
            document.getElementById("sign-in").addEventListener("submit", async event => {
              event.preventDefault();
              const response = await fetch("/operators/session", {
                method: "POST",
                headers: { "Content-Type": "application/json" },
                body: JSON.stringify({ token: document.getElementById("token").value }),
              });
              if (response.status === 204) {
                const target = new URLSearchParams(location.search).get("return") || "/dashboard/";
                // Only paths on this site: a crafted link must not send an operator elsewhere.
                location.assign(target.startsWith("/") && !target.startsWith("//") ? target : "/dashboard/");
              } else {
                const problem = await response.json().catch(() => ({}));
                document.getElementById("error").textContent = problem.detail || "Sign-in failed.";
              }
            });
          </script>
        </body>
        </html>
        """;
}
