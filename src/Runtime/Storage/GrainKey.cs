namespace Moneta.Runtime.Storage;

/// <summary>
/// A grain as the stores name it: its grain type (e.g. "contract") and its key within the type. Each grain type
/// sets its name with <c>[GrainType]</c>, so stored items do not depend on class names.
/// </summary>
public readonly record struct GrainKey(string Type, string Key)
{
    /// <summary>The record of one named state of a grain; a grain's one state is stored under the grain itself.</summary>
    public static GrainKey ForState(string stateName, GrainId grainId) =>
        stateName == Moneta.GrainModel.OutboxStateAttribute.DefaultStateName
            ? Of(grainId)
            : new GrainKey($"{grainId.Type}+{stateName}", grainId.Key.ToString()!);

    public static GrainKey Of(GrainId grainId) => new(grainId.Type.ToString()!, grainId.Key.ToString()!);

    public GrainId ToGrainId() => GrainId.Create(Type, Key);

    public override string ToString() => $"{Type}/{Key}";
}
