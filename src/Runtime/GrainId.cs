namespace Moneta.Runtime;

/// <summary>The identity of a grain: its type name (e.g. "contract") and its key within the type.</summary>
public readonly record struct GrainId(string Type, string Key)
{
    public override string ToString() => $"{Type}/{Key}";
}
