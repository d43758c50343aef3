namespace Moneta.MPasses;

[GenerateSerializer, Immutable, Alias("Moneta.MPassView")]
public sealed record MPassView(string Id, string MoId, string Tier, string Status, DateTimeOffset? ValidUntil, DateTimeOffset IssuedAt, DateTimeOffset UpdatedAt);
