using System.Net;
using System.Text.Json.Nodes;

namespace Moneta.Client;

/// <summary>
/// Moneta refused a request: an RFC 9457 problem. Act on <see cref="Code"/> (stable, listed in docs/errors.md);
/// <see cref="Detail"/> says what to fix, for a person. Quote <see cref="TraceId"/> when asking for help.
/// </summary>
public sealed class MonetaProblemException : Exception
{
    public MonetaProblemException(HttpStatusCode status, string code, string? detail, JsonObject problem)
        : base($"{(int)status} {code}: {detail}")
    {
        Status = status;
        Code = code;
        Detail = detail;
        Problem = problem;
    }

    public HttpStatusCode Status { get; }

    public string Code { get; }

    public string? Detail { get; }

    /// <summary>The whole problem document, with any members beyond the standard ones.</summary>
    public JsonObject Problem { get; }

    public string? TraceId => (Problem["trace_id"] ?? Problem["traceId"])?.GetValue<string>();

    /// <summary>With invalid_signature: the SHA-256 (hex) of the signing input Moneta verified against.</summary>
    public string? SigningInputSha256 => Problem["signing_input_sha256"]?.GetValue<string>();

    /// <summary>With invalid_signature raised by this client's own signing: the SHA-256 (hex) of what it signed, to compare.</summary>
    public string? LocalSigningInputSha256 { get; init; }

    internal static async Task<MonetaProblemException> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonObject problem;
        try
        {
            problem = JsonNode.Parse(text) as JsonObject ?? [];
        }
        catch (System.Text.Json.JsonException)
        {
            problem = new JsonObject { ["detail"] = text.Length > 500 ? text[..500] : text };
        }

        var code = problem["code"]?.GetValue<string>() ?? $"http_{(int)response.StatusCode}";
        return new MonetaProblemException(response.StatusCode, code, problem["detail"]?.GetValue<string>(), problem);
    }
}
