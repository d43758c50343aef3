namespace Moneta.GrainModel;

/// <summary>Finds grains by the secondary indexes their state declares.</summary>
public interface IGrainIndex
{
    /// <exception cref="FormatException">The cursor was not issued by this index.</exception>
    Task<IndexPage> QueryAsync<TGrainInterface>(string indexName, string key, string? cursor, int limit, CancellationToken cancellationToken = default)
        where TGrainInterface : IGrainWithStringKey;
}
