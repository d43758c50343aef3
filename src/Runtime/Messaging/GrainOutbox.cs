using System.Diagnostics;
using Moneta.GrainModel;

namespace Moneta.Runtime.Messaging;

/// <summary>
/// One activation's outbox: what the current turn asked to send, waiting for the turn's state write to carry it.
/// The activation empties it before every turn, so a turn that fails or writes nothing leaves nothing behind.
/// </summary>
internal sealed class GrainOutbox(GrainId owner, GrainTypeRegistry registry, GrainStateSerializer serializer, TimeProvider clock) : IGrainOutbox
{
    private readonly List<OutboxMessage> _pending = [];

    public void Send<TTarget>(string targetKey, GrainEvent @event) where TTarget : IGrainEventHandler
    {
        var target = new GrainId(registry.Get(typeof(TTarget)).Name, targetKey);
        var traced = @event.TraceParent is null && Activity.Current is { IdFormat: ActivityIdFormat.W3C } current
            ? @event with { TraceParent = current.Id }
            : @event;
        _pending.Add(new OutboxMessage(target, @event.Id, OutboxMessageKind.Event, serializer.Serialize(traced), clock.GetUtcNow()));
    }

    public void RemindAt(string name, DateTimeOffset dueAt) =>
        _pending.Add(new OutboxMessage(owner, name, OutboxMessageKind.Reminder, null, dueAt));

    public void CancelReminder(string name) =>
        _pending.Add(new OutboxMessage(owner, name, OutboxMessageKind.ReminderCancellation, null, clock.GetUtcNow()));

    /// <summary>Hands the pending messages to a state write; they are gone from here whether or not it succeeds.</summary>
    public IReadOnlyList<OutboxMessage> Drain()
    {
        if (_pending.Count == 0) return [];
        var messages = _pending.ToList();
        _pending.Clear();
        return messages;
    }

    public void Discard() => _pending.Clear();
}
