namespace Moneta.GrainModel;

/// <summary>
/// A grain that asks to be called at a time, even across restarts and silo failures (see
/// <see cref="IGrainOutbox.RemindAt"/>). Unlike Orleans reminders, the time may be seconds away.
/// </summary>
[Alias("Moneta.IReminderHandler")]
public interface IReminderHandler : IGrainWithStringKey
{
    /// <summary>Called at least once when the reminder is due; it may come again after a crash, so be idempotent.</summary>
    Task ReceiveReminder(string name);
}
