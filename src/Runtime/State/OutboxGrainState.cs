using Moneta.Runtime.Messaging;

namespace Moneta.Runtime.State;

/// <summary>
/// What <see cref="OutboxState{TState}"/> hands to the grain storage: Orleans' state, ETag and existence flag, and
/// the outbox messages that must be committed in the same write. <see cref="Storage.MonetaGrainStorage"/> reads them
/// from here; any other <see cref="IGrainState{T}"/> simply carries none.
/// </summary>
internal sealed class OutboxGrainState<TState>(TState state) : IGrainState<TState>, IOutboxMessages
    where TState : class, new()
{
    public TState State { get; set; } = state;

    TState? IGrainState<TState>.State
    {
        get => State;
        set => State = value ?? new TState();
    }

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }

    public IReadOnlyList<OutboxMessage> Messages { get; set; } = [];
}

/// <summary>Outbox messages travelling with a state write.</summary>
internal interface IOutboxMessages
{
    IReadOnlyList<OutboxMessage> Messages { get; }
}
