namespace Moneta.Templates;

/// <summary>All versions of one contract template, keyed by template name. Published versions never change.</summary>
[Alias("Moneta.IContractTemplateGrain")]
public interface IContractTemplateGrain : IGrainWithStringKey
{
    /// <summary>The given version, or the latest when <paramref name="version"/> is null; null if there is none.</summary>
    Task<TemplateVersion?> Find(int? version);

    Task<IReadOnlyList<TemplateVersion>> List();

    /// <summary>Publishes the YAML as the next version (its <c>version</c> must be latest + 1).</summary>
    Task<TemplateVersion> Publish(string yaml);
}
