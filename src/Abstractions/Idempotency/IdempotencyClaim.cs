namespace Moneta.Idempotency;

/// <param name="ClaimToken">Proves, at <see cref="IIdempotencyKeyGrain.Complete"/>, that this request still holds the key.</param>
/// <param name="ReservedId">
/// The id a request that creates something gives the new resource. It is reserved with the key, so a request that
/// takes over after the first one died creates under the same id and cannot make a second resource.
/// </param>
[GenerateSerializer, Immutable, Alias("Moneta.IdempotencyClaim")]
public sealed record IdempotencyClaim(IdempotencyOutcome Outcome, string? ClaimToken, string ReservedId, StoredResponse? Response);
