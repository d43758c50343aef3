namespace Moneta.Webhooks;

[GenerateSerializer, Immutable, Alias("Moneta.DeliveryResult")]
public sealed record DeliveryResult(DeliveryOutcome Outcome, DateTimeOffset? NextAttemptAt);
