using System.Buffers.Text;
using System.Text.Json;

namespace Moneta.Runtime.Storage;

/// <summary>
/// The position after the last item of a page: its sort key and grain key. Opaque to clients (base64url JSON),
/// identical across providers so a cursor survives a change of silo.
/// </summary>
public readonly record struct IndexCursor(string SortKey, string GrainKey)
{
    public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { SortKey, GrainKey }));

    /// <exception cref="FormatException">Not a cursor this code issued.</exception>
    public static IndexCursor Decode(string cursor)
    {
        try
        {
            var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor));
            if (parts is [{ } sortKey, { } grainKey])
                return new IndexCursor(sortKey, grainKey);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
        }

        throw new FormatException("The cursor is not one this service issued.");
    }
}
