using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Moneta.GrainModel;
using Moneta.Runtime.Messaging;

namespace Moneta.Runtime;

/// <summary>Which class implements each grain interface, and how to construct it with its persistent state.</summary>
public sealed class GrainTypeRegistry
{
    private readonly ConcurrentDictionary<Type, GrainType> _byInterface = new();
    private readonly ConcurrentDictionary<string, GrainType> _byName = new();

    public void Register<TGrainInterface, TGrain>()
        where TGrainInterface : IGrainWithStringKey
        where TGrain : Grain, TGrainInterface
    {
        var grainType = GrainType.Describe(typeof(TGrainInterface), typeof(TGrain));
        if (!_byInterface.TryAdd(typeof(TGrainInterface), grainType) || !_byName.TryAdd(grainType.Name, grainType))
            throw new InvalidOperationException($"{typeof(TGrainInterface).Name} is already registered.");
    }

    /// <summary>The grain type stored under <paramref name="name"/>, for messages that name their target by type name.</summary>
    internal GrainType Get(string name) =>
        _byName.TryGetValue(name, out var grainType)
            ? grainType
            : throw new InvalidOperationException($"No grain type is registered under the name '{name}'.");

    internal GrainType Get(Type grainInterface) =>
        _byInterface.TryGetValue(grainInterface, out var grainType)
            ? grainType
            : throw new InvalidOperationException($"No grain class is registered for {grainInterface.Name}.");

    /// <summary>"IContractGrain" is stored as "contract": short, stable, and independent of the class name.</summary>
    public static string NameOf(Type grainInterface)
    {
        var name = grainInterface.Name;
        if (name.StartsWith('I')) name = name[1..];
        if (name.EndsWith("Grain", StringComparison.Ordinal)) name = name[..^"Grain".Length];
        return name.ToLowerInvariant();
    }
}

/// <summary>A grain class and the recipe for one activation of it.</summary>
internal sealed class GrainType
{
    private readonly ObjectFactory _factory;
    private readonly Type? _stateType;

    private GrainType(string name, Type implementation, Type? stateType)
    {
        Name = name;
        Implementation = implementation;
        _stateType = stateType;
        var extraArguments = stateType is null ? Type.EmptyTypes : [typeof(IPersistentState<>).MakeGenericType(stateType)];
        _factory = ActivatorUtilities.CreateFactory(implementation, extraArguments);
    }

    public string Name { get; }

    public Type Implementation { get; }

    public static GrainType Describe(Type grainInterface, Type implementation)
    {
        foreach (var method in grainInterface.GetMethods())
        {
            if (!typeof(Task).IsAssignableFrom(method.ReturnType))
                throw new InvalidOperationException($"{grainInterface.Name}.{method.Name} must return Task or Task<T>: grain calls are asynchronous.");
        }

        var stateParameters = implementation.GetConstructors()
            .SelectMany(c => c.GetParameters())
            .Where(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(IPersistentState<>))
            .Select(p => p.ParameterType.GetGenericArguments()[0])
            .Distinct()
            .ToList();
        if (stateParameters.Count > 1)
            throw new InvalidOperationException($"{implementation.Name} asks for {stateParameters.Count} persistent states; a grain has one state record.");

        return new GrainType(GrainTypeRegistry.NameOf(grainInterface), implementation, stateParameters.SingleOrDefault());
    }

    /// <summary>Constructs the grain; the returned state handle (if any) still has to be read.</summary>
    public (Grain Grain, IStateHandle? State) Create(GrainRuntime runtime, GrainId id, GrainOutbox outbox)
    {
        if (_stateType is null)
            return ((Grain)_factory(runtime.Services, []), null);

        var stateHandleType = typeof(PersistentState<>).MakeGenericType(_stateType);
        var state = (IStateHandle)Activator.CreateInstance(stateHandleType, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, null, [id, runtime, outbox], null)!;
        return ((Grain)_factory(runtime.Services, [state]), state);
    }
}
