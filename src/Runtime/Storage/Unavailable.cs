using Moneta.GrainModel;

namespace Moneta.Runtime.Storage;

/// <summary>Reports a provider's "unreachable or overloaded" errors as one exception the front door answers with 503.</summary>
internal static class Unavailable
{
    public static async Task<T> Translate<T>(IGrainStorage storage, Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (storage.IsUnavailable(e))
        {
            throw new GrainStorageUnavailableException(e);
        }
    }

    public static Task Translate(IGrainStorage storage, Func<Task> operation) =>
        Translate(storage, async () =>
        {
            await operation();
            return true;
        });
}
