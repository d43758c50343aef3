using System.Diagnostics;
using Moneta.GrainModel;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Storage;

namespace Moneta.Runtime.State;

/// <summary>
/// One activation's outbox: what the current turn asked to send, waiting for the turn's state write to carry it.
/// <see cref="OutboxTurnFilter"/> empties it when a turn ends, so a turn that fails or writes nothing leaves nothing
/// behind for the next one.
/// </summary>
internal sealed class GrainOutbox(GrainId owner, IGrainFactory grains, GrainStateSerializer serializer, TimeProvider clock) : IGrainOutbox
{
    private readonly List<OutboxMessage> _pending = [];

    public void Send<TTarget>(string targetKey, GrainEvent @event) where TTarget : IGrainEventHandler
    {
        var target = GrainKey.Of(grains.GetGrain<TTarget>(targetKey).GetGrainId());
        var traced = @event.TraceParent is null && Activity.Current is { IdFormat: ActivityIdFormat.W3C } current
            ? @event with { TraceParent = current.Id }
            : @event;
        _pending.Add(new OutboxMessage(target, @event.Id, OutboxMessageKind.Event, serializer.Serialize(traced), clock.GetUtcNow()));
    }

    public void RemindAt(string name, DateTimeOffset dueAt) =>
        _pending.Add(new OutboxMessage(GrainKey.Of(owner), name, OutboxMessageKind.Reminder, null, dueAt));

    public void CancelReminder(string name) =>
        _pending.Add(new OutboxMessage(GrainKey.Of(owner), name, OutboxMessageKind.ReminderCancellation, null, clock.GetUtcNow()));

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
