using System.Text.Json;
using System.Text.Json.Serialization;
using Moneta.GrainModel;

namespace Moneta.Grains;

/// <summary>
/// Events one flow's grain sends another through the outbox, with typed data. Their ids are derived from what they
/// report (the contract and the step), so the outbox stores a report once however often the step is written, and a
/// handler recognises a redelivery.
/// </summary>
public static class FlowEvents
{
    private static readonly JsonSerializerOptions DataFormat = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static GrainEvent New<T>(string type, string id, DateTimeOffset occurredAt, T data) =>
        new($"{type}:{id}", type, occurredAt, JsonSerializer.SerializeToElement(data, DataFormat));

    /// <exception cref="InvalidOperationException">The event does not carry a <typeparamref name="T"/>.</exception>
    public static T Read<T>(GrainEvent @event) =>
        @event.Data.Deserialize<T>(DataFormat) ?? throw new InvalidOperationException($"Event {@event.Id} ({@event.Type}) has no data.");
}
