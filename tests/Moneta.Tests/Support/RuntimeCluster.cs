using Microsoft.Extensions.DependencyInjection;
using Moneta.Runtime.Hosting;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Storage;
using Moneta.Tests.Runtime;
using Orleans.TestingHost;

namespace Moneta.Tests.Support;

/// <summary>
/// An Orleans cluster in process (TestingHost's <see cref="InProcessTestCluster"/>) running Moneta's runtime (grain
/// storage, outbox facet and relay, metrics) over a store the test owns and all its silos share.
/// </summary>
public static class RuntimeCluster
{
    public static async Task<InProcessTestCluster> StartAsync(IGrainStateStore store, short silos = 1, ActivationLog? log = null, Action<ISiloBuilder>? configure = null)
    {
        var activations = log ?? new ActivationLog();
        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMonetaRuntime(new OutboxOptions { MessagePollInterval = TimeSpan.FromMilliseconds(50) }, store);
            silo.Services.AddSingleton(activations);
            configure?.Invoke(silo);
        });
        builder.ConfigureClient(client => client.Services.AddMonetaSerialization());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
