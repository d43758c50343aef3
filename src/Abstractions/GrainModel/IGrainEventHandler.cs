namespace Moneta.GrainModel;

/// <summary>A grain that receives <see cref="GrainEvent"/>s. Handlers must be idempotent by the event's id.</summary>
[Alias("Moneta.IGrainEventHandler")]
public interface IGrainEventHandler : IGrainWithStringKey
{
    Task HandleEvent(GrainEvent @event);
}
