using System.Collections.Concurrent;
using System.Reflection;
using Moneta.GrainModel;

namespace Moneta.Runtime;

/// <summary>
/// What <see cref="IGrainFactory.GetGrain{TGrainInterface}"/> returns: a proxy implementing the grain interface
/// whose every method becomes a call through the runtime. Arguments are passed by reference, not copied, so
/// grain arguments and results must be immutable (records).
/// </summary>
public class GrainReference : DispatchProxy
{
    private static readonly ConcurrentDictionary<MethodInfo, Func<GrainReference, object?[], object>> Dispatchers = new();
    private static readonly MethodInfo InvokeTypedMethod = typeof(GrainReference).GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Static)!;

    private GrainRuntime _runtime = null!;
    private GrainType _grainType = null!;

    internal GrainId Id { get; private set; }

    internal static TGrainInterface Create<TGrainInterface>(GrainRuntime runtime, GrainType grainType, GrainId id)
    {
        var proxy = Create<TGrainInterface, GrainReference>();
        var reference = (GrainReference)(object)proxy!;
        reference._runtime = runtime;
        reference._grainType = grainType;
        reference.Id = id;
        return proxy;
    }

    public override string ToString() => Id.ToString();

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        Dispatchers.GetOrAdd(targetMethod!, Build)(this, args ?? []);

    private static Func<GrainReference, object?[], object> Build(MethodInfo method)
    {
        if (method.ReturnType == typeof(Task))
            return (reference, args) => InvokeTyped<bool>(reference, method, args, untyped: true);

        var resultType = method.ReturnType.GetGenericArguments()[0];
        var typed = InvokeTypedMethod.MakeGenericMethod(resultType).CreateDelegate<Func<GrainReference, MethodInfo, object?[], bool, object>>();
        return (reference, args) => typed(reference, method, args, false);
    }

    private static Task<T> InvokeTyped<T>(GrainReference reference, MethodInfo method, object?[] args, bool untyped) =>
        reference._runtime.InvokeAsync(reference._grainType, reference.Id, method.Name, grain =>
        {
            var result = method.Invoke(grain, BindingFlags.DoNotWrapExceptions, null, args, null);
            return untyped ? Completed<T>((Task)result!) : (Task<T>)result!;
        });

    private static async Task<T> Completed<T>(Task task)
    {
        await task;
        return default!;
    }
}
