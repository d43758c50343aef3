namespace Moneta.GrainModel;

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
