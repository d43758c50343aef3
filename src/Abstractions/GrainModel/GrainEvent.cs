using System.Text.Json;

namespace Moneta.GrainModel;

/// <summary>
/// Something that happened, sent by one grain to another through the durable outbox: committed in the same write
/// as the state change that produced it, delivered at least once, and recognised on redelivery by its <see cref="Id"/>.
/// </summary>
/// <param name="TraceParent">
/// The W3C traceparent of the turn that sent it, filled in by the outbox: the work the event causes, webhooks
/// included, continues the trace of the request that caused it, however long the outbox holds it.
/// </param>
[GenerateSerializer, Immutable, Alias("Moneta.GrainEvent")]
public sealed record GrainEvent(string Id, string Type, DateTimeOffset OccurredAt, JsonElement Data, string? TraceParent = null);
