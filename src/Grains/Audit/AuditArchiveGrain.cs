using Moneta.Audit;
using Moneta.GrainModel;

namespace Moneta.Grains.Audit;

[GrainType("auditarchive")]
[CollectionAgeLimit(Minutes = GrainLifetimes.TransientMinutes)]
public sealed class AuditArchiveGrain([OutboxState] IOutboxState<AuditSegmentState> state) : Grain, IAuditArchiveGrain
{
    private string Segment => this.GetPrimaryKeyString();

    public async Task Seal(IReadOnlyList<LifecycleEvent> events)
    {
        if (state.RecordExists)
        {
            // A log is append-only, so every writer seals the same entries under the same segment number.
            if (!state.State.Events.SequenceEqual(events))
                throw new InvalidOperationException($"Audit segment {Segment} is sealed with other entries; the log it belongs to has been rewritten.");
            return;
        }

        state.State = new AuditSegmentState { Events = events };
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<LifecycleEvent>> Read() =>
        Task.FromResult<IReadOnlyList<LifecycleEvent>>(state.RecordExists ? state.State.Events : []);
}
