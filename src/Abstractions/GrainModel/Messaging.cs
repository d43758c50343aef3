using System.Text.Json;

namespace Moneta.GrainModel;

/// <summary>
/// Something that happened, sent by one grain to another through the durable outbox: committed in the same write
/// as the state change that produced it, delivered at least once, and recognised on redelivery by its <see cref="Id"/>.
/// </summary>
/// <param name="TraceParent">
/// The W3C traceparent of the turn that sent it, filled in by the runtime: the work the event causes, webhooks
/// included, continues the trace of the request that caused it, however long the outbox holds it.
/// </param>
public sealed record GrainEvent(string Id, string Type, DateTimeOffset OccurredAt, JsonElement Data, string? TraceParent = null);

/// <summary>A grain that receives <see cref="GrainEvent"/>s. Handlers must be idempotent by the event's id.</summary>
public interface IGrainEventHandler : IGrainWithStringKey
{
    Task HandleEvent(GrainEvent @event);
}

/// <summary>A grain that asks to be called at a time, even across restarts (see <see cref="IGrainOutbox.RemindAt"/>).</summary>
public interface IRemindable : IGrainWithStringKey
{
    /// <summary>Called at least once when the reminder is due; it may come again after a crash, so be idempotent.</summary>
    Task ReceiveReminder(string name);
}

/// <summary>
/// The messages a grain turn wants committed with its next state write: events for other grains and reminders
/// for itself. Discarded if the turn writes nothing or its write fails, so a message exists only if its cause does.
/// </summary>
public interface IGrainOutbox
{
    void Send<TTarget>(string targetKey, GrainEvent @event) where TTarget : IGrainEventHandler;

    void RemindAt(string name, DateTimeOffset dueAt);

    void CancelReminder(string name);
}
