namespace Moneta.Webhooks;

/// <summary>One attempt to deliver: when, how it ended, how long it took.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.WebhookAttempt")]
public sealed record WebhookAttempt(DateTimeOffset AttemptedAt, int? StatusCode, long LatencyMs, string? Error);
