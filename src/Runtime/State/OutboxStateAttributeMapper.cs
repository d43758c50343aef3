using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Moneta.GrainModel;
using Moneta.Runtime.Storage;
using Orleans.Storage;

namespace Moneta.Runtime.State;

/// <summary>
/// Builds the <see cref="IOutboxState{TState}"/> facet for a grain constructor parameter marked
/// <see cref="OutboxStateAttribute"/>, as Orleans' own mapper builds <c>[PersistentState]</c>. Every state of an
/// activation shares the activation's one outbox.
/// </summary>
internal sealed class OutboxStateAttributeMapper : IAttributeToFactoryMapper<OutboxStateAttribute>
{
    private static readonly MethodInfo CreateMethod = typeof(OutboxStateAttributeMapper).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!;

    public Factory<IGrainContext, object> GetFactory(ParameterInfo parameter, OutboxStateAttribute metadata)
    {
        if (!parameter.ParameterType.IsGenericType || parameter.ParameterType.GetGenericTypeDefinition() != typeof(IOutboxState<>))
        {
            throw new ArgumentException(
                $"Parameter '{parameter.Name}' of {parameter.Member.DeclaringType} is marked [OutboxState] but is a {parameter.ParameterType}, not an IOutboxState<TState>.",
                parameter.Name);
        }

        var create = CreateMethod.MakeGenericMethod(parameter.ParameterType.GetGenericArguments());
        return context => create.Invoke(null, [context, metadata])!;
    }

    private static OutboxState<TState> Create<TState>(IGrainContext context, OutboxStateAttribute metadata)
        where TState : class, new()
    {
        var services = context.ActivationServices;
        var storage = (metadata.StorageName is { } name ? services.GetKeyedService<IGrainStorage>(name) : services.GetService<IGrainStorage>())
            ?? throw new BadProviderConfigException($"No grain storage {(metadata.StorageName is null ? "is the default" : $"is named '{metadata.StorageName}'")} for grain type {context.GrainId.Type}.");
        return new OutboxState<TState>(metadata.StateName, context, storage, OutboxOf(context));
    }

    /// <summary>The activation's outbox, created with its first state facet.</summary>
    private static GrainOutbox OutboxOf(IGrainContext context)
    {
        if (context.GetComponent<GrainOutbox>() is { } existing) return existing;
        var services = context.ActivationServices;
        var outbox = new GrainOutbox(context.GrainId, services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<GrainStateSerializer>(), services.GetRequiredService<TimeProvider>());
        context.SetComponent(outbox);
        return outbox;
    }
}
