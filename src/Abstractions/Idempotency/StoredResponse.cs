namespace Moneta.Idempotency;

/// <summary>The answer Moneta gave to the first request under an idempotency key, replayed to its retries.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.StoredResponse")]
public sealed record StoredResponse(int Status, string? ContentType, string? Location, byte[] Body);
