namespace Moneta.Grains.Templates;

public sealed record PublishedTemplate(int Version, string Yaml, DateTimeOffset PublishedAt);
