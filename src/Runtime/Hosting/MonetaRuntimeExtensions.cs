using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Moneta.GrainModel;
using Moneta.Runtime.Cluster;
using Moneta.Runtime.Membership;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Metrics;
using Moneta.Runtime.State;
using Moneta.Runtime.Storage;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;

namespace Moneta.Runtime.Hosting;

/// <summary>What Moneta adds to an Orleans silo: its grain storage, the outbox facet and relay, indexes, metrics.</summary>
public static class MonetaRuntimeExtensions
{
    /// <summary>
    /// Makes <typeparamref name="TStore"/> the silo's default grain storage (behind <see cref="MonetaGrainStorage"/>),
    /// gives grains the <see cref="IOutboxState{TState}"/> facet, and runs this silo's outbox relay.
    /// </summary>
    public static ISiloBuilder AddMonetaRuntime<TStore>(this ISiloBuilder silo, OutboxOptions outbox)
        where TStore : class, IGrainStateStore
    {
        silo.Services.AddSingleton<TStore>();
        silo.Services.AddSingleton<IGrainStateStore>(sp => sp.GetRequiredService<TStore>());
        return silo.AddMonetaRuntimeServices(outbox);
    }

    /// <summary>The same over a store the caller owns (and disposes): several silos of a test cluster share one.</summary>
    public static ISiloBuilder AddMonetaRuntime(this ISiloBuilder silo, OutboxOptions outbox, IGrainStateStore store)
    {
        silo.Services.AddSingleton(store);
        return silo.AddMonetaRuntimeServices(outbox);
    }

    /// <summary>
    /// Teaches an Orleans serializer (a silo's, or a client's) Moneta's types: those that carry JSON documents
    /// (contract payloads, metadata, JWKs, event data) keep them as <see cref="JsonElement"/>, which Orleans writes
    /// with System.Text.Json.
    /// </summary>
    public static IServiceCollection AddMonetaSerialization(this IServiceCollection services) =>
        services.AddSerializer(serializer => serializer.AddJsonSerializer(isSupported: type => type == typeof(JsonElement)));

    private static ISiloBuilder AddMonetaRuntimeServices(this ISiloBuilder silo, OutboxOptions outbox)
    {
        var services = silo.Services;
        services.AddMonetaSerialization();
        GrainInterfaceTypeCache.AddTo(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GrainStateSerializer>();
        services.AddSingleton<OutboxSignal>();
        services.AddSingleton(outbox);
        services.AddSingleton<MonetaGrainStorage>();
        services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => sp.GetRequiredService<MonetaGrainStorage>());
        services.AddSingleton<IAttributeToFactoryMapper<OutboxStateAttribute>, OutboxStateAttributeMapper>();
        services.AddSingleton<IGrainIndex, GrainIndex>();
        services.AddSingleton<MessageRelay>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<MessageRelay>());
        services.AddSingleton<DeadSiloClaims>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DeadSiloClaims>());
        silo.AddIncomingGrainCallFilter<OutboxTurnFilter>();
        silo.AddIncomingGrainCallFilter<GrainCallMetrics>();
        silo.AddOutgoingGrainCallFilter<RejectedCallRetry>();
        return silo;
    }

    /// <summary>Cluster membership in the SQLite file several silo processes on one machine share.</summary>
    public static ISiloBuilder UseSqliteClustering(this ISiloBuilder silo, Action<SqliteMembershipOptions> configure)
    {
        silo.Services.Configure(configure);
        silo.Services.AddSingleton<IMembershipTable, SqliteMembershipTable>();
        return silo;
    }

    /// <summary>Cluster membership in DynamoDB, on the storage's connection settings (Moneta:Storage:DynamoDB:*).</summary>
    public static ISiloBuilder UseDynamoDbClustering(this ISiloBuilder silo, DynamoDbStorageOptions options)
    {
        silo.Services.AddSingleton<IMembershipTable>(sp => ActivatorUtilities.CreateInstance<DynamoDbMembershipTable>(sp, options));
        return silo;
    }

    /// <summary>An Orleans client that finds the silos' gateways in the DynamoDB membership table.</summary>
    public static IClientBuilder UseDynamoDbClustering(this IClientBuilder client, DynamoDbStorageOptions options)
    {
        client.Services.AddSingleton<IGatewayListProvider>(sp => new MembershipGatewayListProvider(
            ActivatorUtilities.CreateInstance<DynamoDbMembershipTable>(sp, options), sp.GetRequiredService<IOptions<GatewayOptions>>()));
        return client;
    }
}
