namespace Moneta.GrainModel;

/// <summary>Implemented by a state record that should be findable by secondary indexes.</summary>
public interface IIndexedState
{
    IEnumerable<IndexEntry> GetIndexEntries();
}
