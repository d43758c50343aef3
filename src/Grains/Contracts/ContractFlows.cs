using Moneta.Contracts;
using Moneta.GrainModel;
using Moneta.Grains.Templates;

namespace Moneta.Grains.Contracts;

/// <summary>The flows of the templates that have one; a template without a flow (a custom one) is signed and nothing more.</summary>
public sealed class ContractFlows(IEnumerable<IContractFlow> flows)
{
    private readonly Dictionary<string, IContractFlow> _byTemplate = flows.ToDictionary(f => f.TemplateName, StringComparer.Ordinal);

    public IContractFlow For(string templateName) => _byTemplate.GetValueOrDefault(templateName) ?? NoFlow.Instance;

    private sealed class NoFlow : IContractFlow
    {
        public static readonly NoFlow Instance = new();

        public string TemplateName => "";

        public Task CheckTermsAsync(ContractState draft, ContractTemplate template, IGrainFactory grains, DateTimeOffset now) => Task.CompletedTask;

        public void OnStatusChanged(ContractState before, ContractState after, IGrainOutbox outbox)
        {
        }

        public ContractView Describe(ContractState contract, ContractView view) => view;
    }
}
