using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;

namespace Moneta.Runtime.Hosting;

/// <summary>
/// Orleans 10.4 resolves a grain interface's <see cref="GrainInterfaceType"/> on every <c>GetGrain</c> call: its
/// attribute provider instantiates all of the interface's custom attributes, and without one the name is formatted
/// from the type. The answer never changes for a type, and a signing step makes a dozen such calls, so this provider
/// runs first and remembers the answer of the providers behind it (or of the naming convention).
/// </summary>
internal sealed class GrainInterfaceTypeCache(IServiceProvider services) : IGrainInterfaceTypeProvider
{
    private readonly ConcurrentDictionary<Type, GrainInterfaceType> _resolved = new();
    private IGrainInterfaceTypeProvider[]? _behind;

    public bool TryGetGrainInterfaceType(Type type, out GrainInterfaceType grainInterfaceType)
    {
        grainInterfaceType = _resolved.GetOrAdd(type, Resolve);
        return true;
    }

    /// <summary>Puts the cache in front of the providers Orleans registered.</summary>
    public static void AddTo(IServiceCollection services)
    {
        var first = services.TakeWhile(d => d.ServiceType != typeof(IGrainInterfaceTypeProvider)).Count();
        services.Insert(first, ServiceDescriptor.Singleton<IGrainInterfaceTypeProvider, GrainInterfaceTypeCache>());
    }

    private GrainInterfaceType Resolve(Type type)
    {
        _behind ??= [.. services.GetServices<IGrainInterfaceTypeProvider>().Where(provider => !ReferenceEquals(provider, this))];
        foreach (var provider in _behind)
        {
            if (provider.TryGetGrainInterfaceType(type, out var resolved))
                return resolved;
        }

        return services.GetRequiredService<GrainInterfaceTypeResolver>().GetGrainInterfaceTypeByConvention(type);
    }
}
