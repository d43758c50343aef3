namespace Moneta.MPasses;

[GenerateSerializer, Immutable, Alias("Moneta.MPassStatusChange")]
public sealed record MPassStatusChange(string Status, string Actor, string? Reason);
