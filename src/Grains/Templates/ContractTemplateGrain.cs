using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Templates;

namespace Moneta.Grains.Templates;

public sealed record PublishedTemplate(int Version, string Yaml, DateTimeOffset PublishedAt);

public sealed record ContractTemplateState
{
    public IReadOnlyList<PublishedTemplate> Versions { get; init; } = [];
}

/// <summary>
/// All versions of one template. Versions are append-only: a contract keeps the version it was created with, so a
/// published version is never edited, only superseded.
/// </summary>
public sealed class ContractTemplateGrain(IPersistentState<ContractTemplateState> state, TimeProvider clock) : Grain, IContractTemplateGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The templates Moneta ships are published the first time anyone asks for them.
        if (state.RecordExists || ShippedTemplates.For(GrainKey) is not { Count: > 0 } shipped) return;
        var now = clock.GetUtcNow();
        state.State = new ContractTemplateState { Versions = [.. shipped.Select(t => new PublishedTemplate(t.Version, t.Yaml, now))] };
        await state.WriteStateAsync();
    }

    public async Task<TemplateVersion?> Find(int? version)
    {
        await state.ReadStateAsync(); // another silo may have published since this activation read (ADR 0002)
        var versions = state.State.Versions;
        var published = version is null ? (versions.Count > 0 ? versions[^1] : null) : versions.FirstOrDefault(v => v.Version == version);
        return published is null ? null : ToView(published);
    }

    public async Task<IReadOnlyList<TemplateVersion>> List()
    {
        await state.ReadStateAsync();
        return [.. state.State.Versions.Select(ToView)];
    }

    public async Task<TemplateVersion> Publish(string yaml)
    {
        var template = ContractTemplate.Parse(yaml);
        await state.ReadStateAsync();
        if (template.Name != GrainKey)
            throw DomainException.Invalid(ErrorCodes.InvalidTemplate, $"The YAML names template '{template.Name}', not '{GrainKey}'.");
        var next = state.State.Versions.Count + 1;
        if (template.Version != next)
            throw DomainException.Conflict(ErrorCodes.TemplateVersionConflict, $"The next version of '{GrainKey}' is {next}; the YAML says {template.Version}.");

        var published = new PublishedTemplate(template.Version, yaml, clock.GetUtcNow());
        state.State = state.State with { Versions = [.. state.State.Versions, published] };
        await state.WriteStateAsync();
        return ToView(published);
    }

    private TemplateVersion ToView(PublishedTemplate t) =>
        new(GrainKey, t.Version, t.Yaml, t.Version == state.State.Versions[^1].Version, t.PublishedAt);
}
