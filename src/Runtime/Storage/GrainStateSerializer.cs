using System.Text.Json;
using System.Text.Json.Serialization;

namespace Moneta.Runtime.Storage;

/// <summary>Grain state is stored as snake_case JSON, the same spelling as the domain documents and the API.</summary>
public sealed class GrainStateSerializer
{
    private readonly JsonSerializerOptions _options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, _options);

    public T Deserialize<T>(ReadOnlySpan<byte> data) =>
        JsonSerializer.Deserialize<T>(data, _options) ?? throw new InvalidDataException($"Stored state of type {typeof(T).Name} is null.");
}
