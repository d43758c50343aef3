using Moneta.GrainModel;
using Moneta.Sandbox;

namespace Moneta.Grains.Sandbox;

/// <summary>The sandbox clock's offset from real time; only ever grows.</summary>
[GrainType("sandboxclock")]
public sealed class SandboxClockGrain([OutboxState] IOutboxState<SandboxClockState> state) : Grain, ISandboxClockGrain
{
    public Task<TimeSpan> Offset() => Task.FromResult(state.State.Offset);

    public async Task<TimeSpan> Advance(TimeSpan by)
    {
        state.State = state.State with { Offset = state.State.Offset + by };
        await state.WriteStateAsync();
        return state.State.Offset;
    }
}
