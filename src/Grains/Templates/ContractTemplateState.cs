namespace Moneta.Grains.Templates;

[GenerateSerializer, Immutable, Alias("Moneta.Grains.ContractTemplateState")]
public sealed record ContractTemplateState
{
    [Id(0)]
    public IReadOnlyList<PublishedTemplate> Versions { get; init; } = [];
}
