using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Moneta.Crypto;

namespace Moneta.Api.Endpoints;

/// <summary>Discovery, Moneta's public keys, and the OAuth 2.0 token endpoint (client credentials with private_key_jwt).</summary>
public static class AuthApi
{
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/openid-configuration", GetConfiguration).AllowAnonymous().WithTags("Discovery");
        app.MapGet("/.well-known/jwks.json", GetJwks).AllowAnonymous().WithTags("Discovery");
        app.MapPost("/api/v1/auth/token", IssueToken).AllowAnonymous().DisableAntiforgery().WithTags("Auth");
        return app;
    }

    public static Ok<DiscoveryDocument> GetConfiguration(MonetaAuthOptions auth) => TypedResults.Ok(new DiscoveryDocument(
        auth.Issuer, auth.TokenEndpoint, auth.JwksUri,
        ["client_credentials"], ["private_key_jwt"], ["ES256", "RS256", "PS256"]));

    public static Ok<JsonObject> GetJwks(MonetaKeys monetaKeys) =>
        TypedResults.Ok(new JsonObject { ["keys"] = new JsonArray([.. monetaKeys.Published.Select(key => key.ToPublicJwk())]) });

    public static async Task<IResult> IssueToken(
        [FromForm(Name = "grant_type")] string? grantType,
        [FromForm(Name = "client_assertion_type")] string? clientAssertionType,
        [FromForm(Name = "client_assertion")] string? clientAssertion,
        [FromForm(Name = "client_id")] string? clientId,
        ClientAssertions assertions,
        AccessTokens tokens)
    {
        if (grantType != "client_credentials")
            return OAuthError(400, ErrorCodes.UnsupportedGrantType, "unsupported_grant_type", "Use grant_type=client_credentials.");
        if (clientAssertionType != JwtBearerAssertionType || string.IsNullOrEmpty(clientAssertion))
            return OAuthError(400, ErrorCodes.InvalidClient, "invalid_client", $"Authenticate with client_assertion_type={JwtBearerAssertionType} and a client_assertion JWT.");

        try
        {
            var organization = await assertions.AuthenticateAsync(clientAssertion);
            if (clientId is not null && clientId != organization.Id)
                return OAuthError(401, ErrorCodes.InvalidClient, "invalid_client", "client_id does not match the assertion's issuer.");
            var (token, expiresIn) = tokens.Issue(organization.Id, organization.Kind);
            return TypedResults.Ok(new TokenResponse(token, "Bearer", expiresIn));
        }
        catch (DomainException e)
        {
            return OAuthError(Problems.StatusOf(e.Kind), e.Code, e.Code == ErrorCodes.AssertionReplayed ? "invalid_grant" : "invalid_client", e.Message);
        }
    }

    /// <summary>A problem that also carries RFC 6749's <c>error</c> member, so OAuth client libraries understand it.</summary>
    private static IResult OAuthError(int status, string code, string oauthError, string detail) =>
        Problems.Of(status, code, detail, new Dictionary<string, object?> { ["error"] = oauthError, ["error_description"] = detail });

    public sealed record TokenResponse(string AccessToken, string TokenType, int ExpiresIn);

    public sealed record DiscoveryDocument(
        string Issuer,
        string TokenEndpoint,
        string JwksUri,
        IReadOnlyList<string> GrantTypesSupported,
        IReadOnlyList<string> TokenEndpointAuthMethodsSupported,
        IReadOnlyList<string> TokenEndpointAuthSigningAlgValuesSupported);
}
