using System.Collections.Concurrent;
using Moneta.Errors;
using Moneta.Templates;

namespace Moneta.Grains.Templates;

/// <summary>
/// Parsed templates by (name, version), shared by all contract activations of a silo. Safe to cache forever:
/// a published version never changes.
/// </summary>
public sealed class TemplateCatalog
{
    private readonly ConcurrentDictionary<(string Name, int Version), ContractTemplate> _parsed = new();

    public async Task<ContractTemplate> GetAsync(IGrainFactory grains, string name, int version)
    {
        if (_parsed.TryGetValue((name, version), out var cached)) return cached;

        var published = await grains.GetGrain<IContractTemplateGrain>(name).Find(version)
            ?? throw DomainException.NotFound(ErrorCodes.TemplateNotFound, $"Template '{name}' has no version {version}.");
        return _parsed.GetOrAdd((name, version), ContractTemplate.Parse(published.Yaml));
    }
}
