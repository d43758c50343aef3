namespace Moneta.Api.Http;

/// <summary>RFC 9457 problem responses, each with a stable machine-readable <c>code</c> (docs/errors.md).</summary>
public static class Problems
{
    public static IResult Of(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var members = new Dictionary<string, object?> { ["code"] = code };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
            members[key] = value;
        return TypedResults.Problem(detail: detail, statusCode: status, title: TitleOf(status), type: $"https://moneta.network/problems/{code}", extensions: members);
    }

    public static IResult From(DomainException e) => Of(StatusOf(e.Kind), e.Code, e.Message, e.Details.ToDictionary(d => d.Key, d => (object?)d.Value));

    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Invalid => StatusCodes.Status400BadRequest,
        ErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorKind.Forbidden => StatusCodes.Status403Forbidden,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    /// <summary>The code of a refusal the framework makes before any endpoint runs (no route, wrong method or media type).</summary>
    public static string CodeOf(int status) => status switch
    {
        403 => ErrorCodes.Forbidden,
        404 => ErrorCodes.NotFound,
        405 => ErrorCodes.MethodNotAllowed,
        413 => ErrorCodes.PayloadTooLarge,
        415 => ErrorCodes.UnsupportedMediaType,
        _ => ErrorCodes.InvalidRequest,
    };

    public static string DetailOf(int status) => status switch
    {
        404 => "No such route.",
        405 => "The route does not take this method.",
        413 => "The request body exceeds the size limit.",
        415 => "Send the body as application/json (form-encoded for the token endpoint).",
        _ => "The request is not valid.",
    };

    private static string TitleOf(int status) => status switch
    {
        400 => "The request is not valid",
        401 => "Authentication is required",
        403 => "Not allowed",
        404 => "Not found",
        409 => "Conflict with the current state",
        413 => "The request body is too large",
        415 => "Unsupported media type",
        429 => "Too many requests",
        503 => "Temporarily unavailable",
        _ => "The request failed",
    };
}
