using Microsoft.Extensions.DependencyInjection;
using Moneta.Contracts;
using Moneta.Runtime.Hosting;
using Moneta.Runtime.Storage;
using Moneta.Tests.Support;
using Orleans.Metadata;
using Orleans.Serialization.TypeSystem;

namespace Moneta.Tests.Runtime;

/// <summary>The cache in front of Orleans' grain interface type providers changes how fast, never what, they answer.</summary>
public sealed class GrainInterfaceTypeCacheTests
{
    [Fact]
    public async Task Every_grain_interface_resolves_to_the_type_orleans_itself_gives_it()
    {
        var cluster = await RuntimeCluster.StartAsync(new InMemoryStateStore());
        await using var _ = cluster;
        var services = cluster.Silos[0].ServiceProvider;
        var providers = services.GetServices<IGrainInterfaceTypeProvider>().ToList();
        Assert.IsType<GrainInterfaceTypeCache>(providers[0]);
        var cached = services.GetRequiredService<GrainInterfaceTypeResolver>();
        var orleans = new GrainInterfaceTypeResolver(providers.Skip(1), services.GetRequiredService<TypeConverter>());

        var interfaces = new[] { typeof(IContractGrain).Assembly, typeof(ICounterGrain).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => type.IsInterface && typeof(IAddressable).IsAssignableFrom(type) && !type.ContainsGenericParameters)
            .ToList();

        Assert.NotEmpty(interfaces);
        foreach (var type in interfaces)
        {
            Assert.Equal(orleans.GetGrainInterfaceType(type), cached.GetGrainInterfaceType(type));
            Assert.Equal(orleans.GetGrainInterfaceType(type), cached.GetGrainInterfaceType(type)); // and again, from the cache
        }
    }
}
