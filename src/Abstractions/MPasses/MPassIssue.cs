namespace Moneta.MPasses;

[GenerateSerializer, Immutable, Alias("Moneta.MPassIssue")]
public sealed record MPassIssue(string MoId, string Tier, DateTimeOffset? ValidUntil, string Actor);
