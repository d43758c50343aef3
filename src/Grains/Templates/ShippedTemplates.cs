namespace Moneta.Grains.Templates;

/// <summary>The templates embedded in this assembly (Templates/*.yaml), published on first use.</summary>
public static class ShippedTemplates
{
    private static readonly Lazy<IReadOnlyList<ContractTemplateSource>> All = new(Load);

    public static IReadOnlyList<ContractTemplateSource> For(string templateName) =>
        [.. All.Value.Where(t => t.Name == templateName).OrderBy(t => t.Version)];

    private static List<ContractTemplateSource> Load()
    {
        var assembly = typeof(ShippedTemplates).Assembly;
        return [.. assembly.GetManifestResourceNames()
            .Where(name => name.EndsWith(".yaml", StringComparison.Ordinal))
            .Select(name =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                var yaml = reader.ReadToEnd();
                var template = ContractTemplate.Parse(yaml);
                return new ContractTemplateSource(template.Name, template.Version, yaml);
            })];
    }
}

public sealed record ContractTemplateSource(string Name, int Version, string Yaml);
