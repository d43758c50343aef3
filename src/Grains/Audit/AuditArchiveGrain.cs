using Moneta.Audit;
using Moneta.GrainModel;

namespace Moneta.Grains.Audit;

public sealed class AuditArchiveGrain(IPersistentState<AuditSegmentState> state) : Grain, IAuditArchiveGrain
{
    public async Task Seal(IReadOnlyList<LifecycleEvent> events)
    {
        await state.ReadStateAsync();
        if (state.RecordExists)
        {
            // A log is append-only, so every writer seals the same entries under the same segment number.
            if (!state.State.Events.SequenceEqual(events))
                throw new InvalidOperationException($"Audit segment {GrainKey} is sealed with other entries; the log it belongs to has been rewritten.");
            return;
        }

        state.State = new AuditSegmentState { Events = events };
        await state.WriteStateAsync();
    }

    public async Task<IReadOnlyList<LifecycleEvent>> Read()
    {
        await state.ReadStateAsync();
        return state.RecordExists ? state.State.Events : [];
    }
}
