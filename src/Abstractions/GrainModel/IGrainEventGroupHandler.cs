namespace Moneta.GrainModel;

/// <summary>
/// A grain that many others send events to, and that takes its queued events several at a time: the outbox hands
/// it a run of consecutive events in one call, so what costs a storage write per event (a durable step each) is paid
/// once per run. Handling a run must have the same effect as handling its events one by one, in order; the run is
/// delivered again whole if the call fails, so each event is still recognised by its id.
/// </summary>
[Alias("Moneta.IGrainEventGroupHandler")]
public interface IGrainEventGroupHandler : IGrainEventHandler
{
    /// <summary>Consecutive events of this grain, in the order they were committed.</summary>
    Task HandleEvents(IReadOnlyList<GrainEvent> events);
}
