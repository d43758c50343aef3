namespace Moneta.Grains.Templates;

public sealed record ContractTemplateState
{
    public IReadOnlyList<PublishedTemplate> Versions { get; init; } = [];
}
