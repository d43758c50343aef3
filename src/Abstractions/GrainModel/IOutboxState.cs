namespace Moneta.GrainModel;

/// <summary>
/// A grain's state with its transactional outbox (the facet <see cref="OutboxStateAttribute"/> gives it). The state
/// is read once, when the grain activates: Orleans keeps one activation per grain in the cluster, so afterwards the
/// activation holds the truth. <c>WriteStateAsync</c> stores the state, the index entries it
/// declares (<see cref="IIndexedState"/>) and what the turn put in <see cref="Outbox"/> in one conditional write, or
/// nothing; after a failed write the state is what it was before the turn, so the grain never answers from a state
/// that is not stored.
/// </summary>
public interface IOutboxState<TState> : IPersistentState<TState>
    where TState : class, new()
{
    IGrainOutbox Outbox { get; }
}
