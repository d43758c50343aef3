using Moneta.GrainModel;

namespace Moneta.Idempotency;

/// <summary>The answer Moneta gave to the first request under an idempotency key, replayed to its retries.</summary>
public sealed record StoredResponse(int Status, string? ContentType, string? Location, byte[] Body);

public enum IdempotencyOutcome
{
    /// <summary>The first request under this key (or a retry after the first never finished): run it.</summary>
    Proceed,

    /// <summary>The same request was answered before: replay <see cref="IdempotencyClaim.Response"/>.</summary>
    Replay,

    /// <summary>The same request is still running elsewhere: the caller retries shortly.</summary>
    InProgress,

    /// <summary>The key was used for a different request (another body, method or path).</summary>
    Mismatch,
}

/// <param name="ClaimToken">Proves, at <see cref="IIdempotencyKeyGrain.Complete"/>, that this request still holds the key.</param>
/// <param name="ReservedId">
/// The id a request that creates something gives the new resource. It is reserved with the key, so a request that
/// takes over after the first one died creates under the same id and cannot make a second resource.
/// </param>
public sealed record IdempotencyClaim(IdempotencyOutcome Outcome, string? ClaimToken, string ReservedId, StoredResponse? Response);

/// <summary>
/// One Idempotency-Key of one caller (the key is <c>{caller}/{sha-256 of the key}</c>): the request it was first
/// used for and, once answered, the answer, kept for 24 hours. Stored, so a retry reaching another silo is
/// recognised too; the grain's single activation (and its conditional write) lets only one of two concurrent
/// requests with the key run.
/// </summary>
public interface IIdempotencyKeyGrain : IRemindable
{
    Task<IdempotencyClaim> Begin(string fingerprint);

    /// <summary>Keeps the answer for the key's retries; ignored if another request has taken the key over since.</summary>
    Task Complete(string claimToken, StoredResponse response);

    /// <summary>The request ended without an answer worth replaying (a 5xx, a lost write race): a retry runs again.</summary>
    Task Release(string claimToken);
}
