namespace Moneta.GrainModel;

/// <summary>
/// The store could not be reached, or refused for overload, after its own retries. A write may or may not have
/// landed; the grain's next write is checked against its ETag either way, so retrying the request is safe. The
/// provider's own error stays in the silo's log: it does not cross silos (an AWS exception has no Orleans codec).
/// </summary>
[GenerateSerializer, Alias("Moneta.GrainStorageUnavailableException")]
public sealed class GrainStorageUnavailableException : OrleansException
{
    public GrainStorageUnavailableException()
        : base("The grain storage is unavailable or overloaded.")
    {
    }

    public GrainStorageUnavailableException(string message)
        : base(message)
    {
    }
}
