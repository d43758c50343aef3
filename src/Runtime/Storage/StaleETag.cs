using Orleans.Storage;

namespace Moneta.Runtime.Storage;

/// <summary>A conditional write lost: the stored ETag is not the one the writer read.</summary>
internal static class StaleETag
{
    /// <summary>Orleans' exception for it, which the runtime answers by deactivating the writer's activation.</summary>
    public static InconsistentStateException Refusal(GrainKey grain, string? expectedETag, string? storedETag) =>
        new($"Grain {grain} was changed by another writer (expected ETag '{expectedETag ?? "none"}', stored '{storedETag ?? "none"}').", storedETag, expectedETag);
}
