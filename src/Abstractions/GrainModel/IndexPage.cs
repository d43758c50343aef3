namespace Moneta.GrainModel;

/// <summary>A page of grain keys from an index query, and the cursor of the next page (null at the end).</summary>
[GenerateSerializer, Immutable, Alias("Moneta.IndexPage")]
public sealed record IndexPage(IReadOnlyList<string> Keys, string? NextCursor);
