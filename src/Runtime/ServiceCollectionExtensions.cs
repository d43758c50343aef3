using Microsoft.Extensions.DependencyInjection;
using Moneta.GrainModel;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Metrics;

namespace Moneta.Runtime;

public static class ServiceCollectionExtensions
{
    /// <summary>Adds the grain runtime and its outbox relay; storage (an <see cref="Storage.IGrainStorage"/>) is registered by the host.</summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, Action<GrainRuntimeOptions>? configure = null, Action<GrainTypeRegistry>? grains = null)
    {
        var options = new GrainRuntimeOptions();
        configure?.Invoke(options);
        var registry = new GrainTypeRegistry();
        grains?.Invoke(registry);

        services.AddSingleton(options);
        services.AddSingleton(registry);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<GrainMetrics>();
        services.AddSingleton<IGrainRuntimeMetrics>(sp => sp.GetRequiredService<GrainMetrics>());
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton<GrainRuntime>();
        services.AddHostedService<MessageRelay>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.AddSingleton<IGrainIndex>(sp => sp.GetRequiredService<GrainRuntime>());
        return services;
    }
}
