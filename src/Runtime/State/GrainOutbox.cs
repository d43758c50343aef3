using Moneta.GrainModel;
using Moneta.Runtime.Messaging;
using Moneta.Runtime.Storage;

namespace Moneta.Runtime.State;

/// <summary>
/// One activation's outbox: what the current turn asked to send, waiting for the turn's state write to carry it.
/// <see cref="OutboxTurnFilter"/> ends every turn with <see cref="ForgetUnwritten"/>, so a turn that fails or writes
/// nothing leaves nothing behind for the next one: neither messages nor changes to the activation's states.
/// </summary>
internal sealed class GrainOutbox(GrainId owner, IGrainFactory grains, GrainStateSerializer serializer, TimeProvider clock) : IGrainOutbox
{
    private readonly List<OutboxMessage> _pending = [];
    private readonly List<IStoredState> _states = [];

    public void Send<TTarget>(string targetKey, GrainEvent @event) where TTarget : IGrainEventHandler
    {
        var target = GrainKey.Of(grains.GetGrain<TTarget>(targetKey).GetGrainId());
        var traced = @event.TraceParent is null && TraceContext.Current() is { } traceParent
            ? @event with { TraceParent = traceParent }
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

    /// <summary>A state facet of this activation, to be put back to what is stored when a turn ends without writing it.</summary>
    public void Track(IStoredState state) => _states.Add(state);

    /// <summary>
    /// Ends a turn. With the state read once per activation, a change a turn made and did not write would otherwise
    /// be the next turn's starting point: the grain would answer, and act, from a state that is not stored.
    /// </summary>
    public void ForgetUnwritten()
    {
        _pending.Clear();
        foreach (var state in _states)
            state.RevertToStored();
    }
}

/// <summary>A state facet that knows the state last read or written.</summary>
internal interface IStoredState
{
    void RevertToStored();
}
