using Moneta.GrainModel;

namespace Moneta.Templates;

/// <summary>One published version of a contract template: its YAML as the admin wrote it.</summary>
public sealed record TemplateVersion(string TemplateName, int Version, string Yaml, bool IsLatest, DateTimeOffset PublishedAt);

/// <summary>All versions of one contract template, keyed by template name. Published versions never change.</summary>
public interface IContractTemplateGrain : IGrainWithStringKey
{
    /// <summary>The given version, or the latest when <paramref name="version"/> is null; null if there is none.</summary>
    Task<TemplateVersion?> Find(int? version);

    Task<IReadOnlyList<TemplateVersion>> List();

    /// <summary>Publishes the YAML as the next version (its <c>version</c> must be latest + 1).</summary>
    Task<TemplateVersion> Publish(string yaml);
}
