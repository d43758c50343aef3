namespace Moneta.Grains.Templates;

[GenerateSerializer, Immutable, Alias("Moneta.Grains.PublishedTemplate")]
public sealed record PublishedTemplate(int Version, string Yaml, DateTimeOffset PublishedAt);
