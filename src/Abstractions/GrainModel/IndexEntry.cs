namespace Moneta.GrainModel;

/// <summary>
/// One secondary-index entry of a grain's state: the grain is found under (<see cref="Name"/>, <see cref="Key"/>),
/// ordered by <see cref="SortKey"/>. Entries are written atomically with the state they describe.
/// </summary>
public readonly record struct IndexEntry(string Name, string Key, string SortKey);
