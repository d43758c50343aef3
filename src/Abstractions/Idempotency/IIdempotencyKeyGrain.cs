using Moneta.GrainModel;

namespace Moneta.Idempotency;

/// <summary>
/// One Idempotency-Key of one caller (the key is <c>{caller}/{sha-256 of the key}</c>): the request it was first
/// used for and, once answered, the answer, kept for 24 hours. Stored, so a retry reaching another silo is
/// recognised too; the grain's single activation (and its conditional write) lets only one of two concurrent
/// requests with the key run.
/// </summary>
[Alias("Moneta.IIdempotencyKeyGrain")]
public interface IIdempotencyKeyGrain : IReminderHandler
{
    Task<IdempotencyClaim> Begin(string fingerprint);

    /// <summary>Keeps the answer for the key's retries; ignored if another request has taken the key over since.</summary>
    Task Complete(string claimToken, StoredResponse response);

    /// <summary>The request ended without an answer worth replaying (a 5xx, a lost write race): a retry runs again.</summary>
    Task Release(string claimToken);
}
