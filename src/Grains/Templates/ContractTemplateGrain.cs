using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Templates;

namespace Moneta.Grains.Templates;

/// <summary>
/// All versions of one template. Versions are append-only: a contract keeps the version it was created with, so a
/// published version is never edited, only superseded.
/// </summary>
[GrainType("contracttemplate")]
public sealed class ContractTemplateGrain([OutboxState] IOutboxState<ContractTemplateState> state, TimeProvider clock) : Grain, IContractTemplateGrain
{
    private string TemplateName => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The templates Moneta ships are published the first time anyone asks for them.
        if (state.RecordExists || ShippedTemplates.For(TemplateName) is not { Count: > 0 } shipped) return;
        var now = clock.GetUtcNow();
        state.State = new ContractTemplateState { Versions = [.. shipped.Select(t => new PublishedTemplate(t.Version, t.Yaml, now))] };
        await state.WriteStateAsync();
    }

    public Task<TemplateVersion?> Find(int? version)
    {
        var versions = state.State.Versions;
        var published = version is null ? (versions.Count > 0 ? versions[^1] : null) : versions.FirstOrDefault(v => v.Version == version);
        return Task.FromResult<TemplateVersion?>(published is null ? null : ToView(published));
    }

    public Task<IReadOnlyList<TemplateVersion>> List() =>
        Task.FromResult<IReadOnlyList<TemplateVersion>>([.. state.State.Versions.Select(ToView)]);

    public async Task<TemplateVersion> Publish(string yaml)
    {
        var template = ContractTemplate.Parse(yaml);
        if (template.Name != TemplateName)
            throw DomainException.Invalid(ErrorCodes.InvalidTemplate, $"The YAML names template '{template.Name}', not '{TemplateName}'.");
        var next = state.State.Versions.Count + 1;
        if (template.Version != next)
            throw DomainException.Conflict(ErrorCodes.TemplateVersionConflict, $"The next version of '{TemplateName}' is {next}; the YAML says {template.Version}.");

        var published = new PublishedTemplate(template.Version, yaml, clock.GetUtcNow());
        state.State = state.State with { Versions = [.. state.State.Versions, published] };
        await state.WriteStateAsync();
        return ToView(published);
    }

    private TemplateVersion ToView(PublishedTemplate t) =>
        new(TemplateName, t.Version, t.Yaml, t.Version == state.State.Versions[^1].Version, t.PublishedAt);
}
