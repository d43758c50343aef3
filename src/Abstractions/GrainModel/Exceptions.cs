namespace Moneta.GrainModel;

/// <summary>A conditional write lost a race: the stored ETag is not the one this activation read.</summary>
public sealed class InconsistentStateException(string grainId, string? expectedETag, string? storedETag)
    : Exception($"Grain {grainId} was changed by another writer (expected ETag '{expectedETag ?? "none"}', stored '{storedETag ?? "none"}').")
{
    public string GrainId { get; } = grainId;
}

/// <summary>A grain call did not complete in time; a call cycle between grains ends here instead of hanging.</summary>
public sealed class GrainCallTimeoutException(string grainId, string method, TimeSpan timeout)
    : TimeoutException($"Call {method} on grain {grainId} did not complete within {timeout.TotalSeconds:0.###} s.");

/// <summary>
/// The store could not be reached, or refused for overload, after its own retries. A write may or may not have
/// landed; the grain's next write is checked against its ETag either way, so retrying the request is safe.
/// </summary>
public sealed class GrainStorageUnavailableException(Exception inner)
    : Exception("The grain storage is unavailable or overloaded.", inner);

/// <summary>A grain's serialized state exceeds what the storage provider can hold in one item.</summary>
public sealed class GrainStateTooLargeException(string grainId, int size, int limit)
    : Exception($"State of grain {grainId} is {size} bytes; the storage limit is {limit} bytes.");

/// <summary>One grain write would change more items than the storage provider can commit atomically.</summary>
public sealed class GrainWriteTooLargeException(string grainId, int items, int limit)
    : Exception($"A write of grain {grainId} changes {items} items; the storage commits at most {limit} in one transaction.");
