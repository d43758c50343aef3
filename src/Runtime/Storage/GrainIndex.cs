using System.Collections.Concurrent;
using Moneta.GrainModel;

namespace Moneta.Runtime.Storage;

/// <summary>
/// Finds grains by the index entries their states declare, straight from the store: the entries are committed with
/// the states, so a query sees every write acknowledged before it.
/// </summary>
public sealed class GrainIndex(IGrainStateStore store, MonetaGrainStorage storage, IGrainFactory grains) : IGrainIndex
{
    private readonly ConcurrentDictionary<Type, string> _grainTypes = new();

    public Task<IndexPage> QueryAsync<TGrainInterface>(string indexName, string key, string? cursor, int limit, CancellationToken cancellationToken = default)
        where TGrainInterface : IGrainWithStringKey =>
        storage.Guarded(() => store.QueryAsync(GrainTypeOf<TGrainInterface>(), indexName, key, cursor, limit, cancellationToken));

    /// <summary>The stored type name of the grain class implementing the interface, as Orleans resolves it.</summary>
    private string GrainTypeOf<TGrainInterface>() where TGrainInterface : IGrainWithStringKey =>
        _grainTypes.GetOrAdd(typeof(TGrainInterface), _ => GrainKey.Of(grains.GetGrain<TGrainInterface>("-").GetGrainId()).Type);
}
