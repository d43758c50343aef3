namespace Moneta.GrainModel;

/// <summary>
/// Marks a grain constructor parameter of type <see cref="IOutboxState{TState}"/>: Orleans builds it for each
/// activation and reads it before the grain's first call. <paramref name="storageName"/> names the grain storage
/// (the silo's default when null).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class OutboxStateAttribute(string stateName = OutboxStateAttribute.DefaultStateName, string? storageName = null) : Attribute, IFacetMetadata
{
    /// <summary>The name of a grain's one state: it is stored under the grain's own key (docs/storage.md).</summary>
    public const string DefaultStateName = "state";

    public string StateName { get; } = stateName;

    public string? StorageName { get; } = storageName;
}
