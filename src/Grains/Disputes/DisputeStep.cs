namespace Moneta.Grains.Disputes;

/// <summary>What a dispute contract tells its charge's dispute list at each step: the dispute, and its status now.</summary>
public sealed record DisputeStep(string DisputeId, decimal Amount, string Currency, string ReasonCode, string Status, DateTimeOffset OpenedAt, DateTimeOffset? ResolvedAt);
