using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Moneta.Api.Http;

/// <summary>
/// Turns every exception that reaches the front door into a problem response. Business refusals keep their
/// code; a lost write race is a retryable 409; a slow grain or an unavailable store is a 503. Only a bug is a 500.
/// </summary>
public sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            DomainException e => Problems.From(e),
            BadHttpRequestException { InnerException: JsonException json } => Problems.Of(400, ErrorCodes.InvalidJson, DescribeJsonError(json)),
            BadHttpRequestException { StatusCode: 413 } => Problems.Of(413, ErrorCodes.PayloadTooLarge, "The request body exceeds the size limit."),
            BadHttpRequestException { StatusCode: 415 } => Problems.Of(415, ErrorCodes.UnsupportedMediaType, "Send the body as application/json."),
            BadHttpRequestException e => Problems.Of(e.StatusCode, ErrorCodes.InvalidRequest, e.Message),
            InconsistentStateException => Problems.Of(409, ErrorCodes.ConcurrentModification, "Another request changed this resource at the same moment; read it again and retry."),
            TimeoutException => Problems.Of(503, ErrorCodes.Unavailable, "Moneta could not complete the request in time; retry it (every step is idempotent)."),
            GrainStorageUnavailableException => Unavailable(httpContext, exception, "Moneta's storage is busy or unavailable; retry shortly (every step is idempotent)."),
            SiloUnavailableException or OrleansMessageRejectionException => Unavailable(httpContext, exception, "Part of Moneta's cluster is changing; retry shortly (every step is idempotent)."),
            GrainRecordTooLargeException => RecordTooLarge(exception),
            _ => null,
        };

        if (problem is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            problem = Problems.Of(500, ErrorCodes.InternalError, "An unexpected error occurred; it has been logged.");
        }

        await problem.ExecuteAsync(httpContext);
        return true;
    }

    /// <summary>
    /// Not the client's fault and not a bug: the store is locked, full or throttling, or the silo that held a grain
    /// has just left the cluster. Retrying is safe.
    /// </summary>
    private IResult Unavailable(HttpContext httpContext, Exception exception, string detail)
    {
        logger.LogWarning("{Reason} on {Method} {Path}", exception.Message, httpContext.Request.Method, httpContext.Request.Path);
        httpContext.Response.Headers.RetryAfter = "1";
        return Problems.Of(503, ErrorCodes.Unavailable, detail);
    }

    /// <summary>The request is refused, not failed: logged, because a limit by design was reached.</summary>
    private IResult RecordTooLarge(Exception exception)
    {
        logger.LogWarning("Refused a write that exceeds the storage item limits: {Reason}", exception.Message);
        return Problems.Of(409, ErrorCodes.RecordTooLarge, "This change would make the record larger than storage holds in one item; nothing was changed. Send a smaller payload or metadata.");
    }

    /// <summary>Names where the body went wrong without echoing its content back.</summary>
    private static string DescribeJsonError(JsonException json) =>
        json.Path is { Length: > 0 } path
            ? $"The JSON body is not valid at '{path}': unknown, duplicate or mistyped member, or malformed JSON."
            : "The body is not valid JSON for this request.";
}
