namespace Moneta.Templates;

/// <summary>One published version of a contract template: its YAML as the admin wrote it.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.TemplateVersion")]
public sealed record TemplateVersion(string TemplateName, int Version, string Yaml, bool IsLatest, DateTimeOffset PublishedAt);
