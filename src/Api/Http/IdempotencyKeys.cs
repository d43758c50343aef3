using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Moneta.Crypto;
using Moneta.Idempotency;
using Orleans.Storage;

namespace Moneta.Api.Http;

/// <summary>
/// Safe retries for every write (docs/protocol.md section 9): a POST, PUT or DELETE with an <c>Idempotency-Key</c>
/// header is run once per caller and key. The same request again within 24 hours is answered with the first answer
/// (and <c>Idempotent-Replayed: true</c>), another request under the key is <c>409 idempotency_key_reused</c>, and a
/// duplicate of a request still running is <c>409 idempotency_key_in_use</c>. Runs after authentication, so the key is
/// scoped to the caller, and after the rate limiter and the authorization matrix, whose refusals are not kept.
/// </summary>
public static class IdempotencyKeys
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const int MaxLength = 255;

    public static async Task Middleware(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Headers.TryGetValue(Header, out var values) || !IsWrite(context.Request.Method) || context.GetEndpoint() is null)
        {
            await next(context);
            return;
        }

        if (context.User.Identity?.IsAuthenticated != true)
        {
            // Only the token endpoint gets here (every other write needs a token): its client assertions are single-use already.
            await Problems.Of(400, ErrorCodes.InvalidIdempotencyKey, "This endpoint does not take an Idempotency-Key: each client assertion is accepted once, so sign a new one to retry.").ExecuteAsync(context);
            return;
        }

        if (values.Count != 1 || !IsValidKey(values[0]))
        {
            await Problems.Of(400, ErrorCodes.InvalidIdempotencyKey, $"Send one {Header} of 1 to {MaxLength} visible ASCII characters (a UUID is a good choice).").ExecuteAsync(context);
            return;
        }

        var caller = Caller.From(context.User);
        var grain = context.RequestServices.GetRequiredService<IGrainFactory>().GetGrain<IIdempotencyKeyGrain>(GrainKey(caller, values[0]!));
        var fingerprint = await FingerprintAsync(context.Request);
        IdempotencyClaim claim;
        try
        {
            claim = await grain.Begin(fingerprint);
        }
        catch (InconsistentStateException)
        {
            // Only two clusters on one store can race for a key (one activation per grain otherwise): the other
            // request runs, this one is its duplicate.
            claim = new IdempotencyClaim(IdempotencyOutcome.InProgress, null, "", null);
        }

        switch (claim.Outcome)
        {
            case IdempotencyOutcome.Replay:
                await ReplayAsync(context, claim.Response!);
                return;
            case IdempotencyOutcome.InProgress:
                context.Response.Headers.RetryAfter = "1";
                await Problems.Of(409, ErrorCodes.IdempotencyKeyInUse, "A request with this Idempotency-Key is still being processed; retry in a moment to get its answer.").ExecuteAsync(context);
                return;
            case IdempotencyOutcome.Mismatch:
                await Problems.Of(409, ErrorCodes.IdempotencyKeyReused, $"This {Header} was used in the last 24 hours for a different request (method, path or body); use a new key for a new request.").ExecuteAsync(context);
                return;
        }

        context.Features.Set(new IdempotencyReservation(claim.ReservedId));
        await RunOnceAsync(context, next, grain, claim.ClaimToken!);
    }

    /// <summary>Runs the request with its answer buffered, keeps the answer unless it was a 5xx, then sends it.</summary>
    private static async Task RunOnceAsync(HttpContext context, RequestDelegate next, IIdempotencyKeyGrain grain, string claimToken)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            try
            {
                await next(context);
            }
            catch (DomainException refusal)
            {
                // A refusal is an answer like any other: its retries get it too.
                await Problems.From(refusal).ExecuteAsync(context);
            }
        }
        catch
        {
            // A lost write race, a timeout, a bug: nothing to replay, and the retry runs again (under the same reserved id).
            context.Response.Body = original;
            await grain.Release(claimToken);
            throw;
        }

        context.Response.Body = original;
        var response = context.Response;
        try
        {
            if (response.StatusCode < 500)
                await grain.Complete(claimToken, new StoredResponse(response.StatusCode, response.ContentType, response.Headers.Location.ToString() is { Length: > 0 } location ? location : null, buffer.ToArray()));
            else
                await grain.Release(claimToken);
        }
        catch (Exception e)
        {
            // The request itself succeeded or was refused; losing its record only means a retry runs it again later.
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(IdempotencyKeys))
                .LogWarning(e, "Could not keep the answer for an idempotency key on {Method} {Path}", context.Request.Method, context.Request.Path);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private static async Task ReplayAsync(HttpContext context, StoredResponse stored)
    {
        var response = context.Response;
        response.StatusCode = stored.Status;
        response.ContentType = stored.ContentType;
        if (stored.Location is not null) response.Headers.Location = stored.Location;
        response.Headers[ReplayedHeader] = "true";
        await response.Body.WriteAsync(stored.Body, context.RequestAborted);
    }

    /// <summary>
    /// Method, path, query and body. A JSON body counts by its RFC 8785 canonical form, so a retry that serializes
    /// the same request with other whitespace or member order is the same request (as for contract steps).
    /// </summary>
    private static async Task<string> FingerprintAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
        request.Body.Position = 0;

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}{request.QueryString}\n"));
        hash.AppendData(Canonical(body.ToArray()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static byte[] Canonical(byte[] body)
    {
        if (body.Length == 0) return body;
        try
        {
            using var document = JsonDocument.Parse(body);
            return JsonCanonicalizer.Canonicalize(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or JsonCanonicalizationException)
        {
            return body;
        }
    }

    /// <summary>The caller scopes the key; its hash keeps any key the header allows out of the storage key's alphabet.</summary>
    private static string GrainKey(Caller caller, string key) =>
        $"{caller.Actor}/{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))}";

    private static bool IsWrite(string method) => HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);

    private static bool IsValidKey(string? key) => key is { Length: > 0 and <= MaxLength } && key.All(c => c is > ' ' and < '\u007f');
}

/// <summary>The id reserved with the request's idempotency key, for the resource the request creates.</summary>
public sealed record IdempotencyReservation(string ReservedId);

/// <summary>
/// The id for a resource a request creates: the one reserved with its Idempotency-Key (so a retry that takes over
/// from a request that died creates under the same id, never a second resource), otherwise a new UUID.
/// </summary>
public sealed record NewResourceId(string Value)
{
    public static ValueTask<NewResourceId?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<NewResourceId?>(new(context.Features.Get<IdempotencyReservation>()?.ReservedId ?? Guid.NewGuid().ToString()));
}
