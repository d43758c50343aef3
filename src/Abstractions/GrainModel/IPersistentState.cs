namespace Moneta.GrainModel;

/// <summary>
/// A grain's durable state. Writes are conditional on <see cref="ETag"/>: if another activation (on this silo or
/// another) wrote first, <see cref="WriteStateAsync"/> throws <see cref="InconsistentStateException"/> and
/// nothing is written.
/// </summary>
public interface IPersistentState<TState> where TState : class, new()
{
    TState State { get; set; }

    string? ETag { get; }

    bool RecordExists { get; }

    Task ReadStateAsync();

    Task WriteStateAsync();

    Task ClearStateAsync();
}
