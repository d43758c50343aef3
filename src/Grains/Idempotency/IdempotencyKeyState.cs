using Moneta.Idempotency;

namespace Moneta.Grains.Idempotency;

/// <summary>What an idempotency key was used for, and what was answered.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.IdempotencyKeyState")]
public sealed record IdempotencyKeyState
{
    [Id(0)]
    public string Fingerprint { get; init; } = "";
    [Id(1)]
    public string ReservedId { get; init; } = "";
    [Id(2)]
    public DateTimeOffset FirstUsedAt { get; init; }

    /// <summary>The request running under the key now, and since when; null once answered or released.</summary>
    [Id(3)]
    public string? ClaimToken { get; init; }

    [Id(4)]
    public DateTimeOffset ClaimedAt { get; init; }
    [Id(5)]
    public StoredResponse? Response { get; init; }
}
