namespace Moneta.Runtime.Storage;

internal static class ETags
{
    /// <summary>
    /// Random rather than a counter: after a clear and a re-create, a writer still holding the old ETag must not
    /// match the new item (no ABA).
    /// </summary>
    public static string New() => Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
}
