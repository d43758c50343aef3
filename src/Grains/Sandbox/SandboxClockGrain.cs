using Moneta.GrainModel;
using Moneta.Sandbox;

namespace Moneta.Grains.Sandbox;

public sealed record SandboxClockState
{
    public TimeSpan Offset { get; init; }
}

/// <summary>The sandbox clock's offset from real time; only ever grows.</summary>
public sealed class SandboxClockGrain(IPersistentState<SandboxClockState> state) : Grain, ISandboxClockGrain
{
    public async Task<TimeSpan> Offset()
    {
        await state.ReadStateAsync();
        return state.State.Offset;
    }

    public async Task<TimeSpan> Advance(TimeSpan by)
    {
        await state.ReadStateAsync();
        state.State = state.State with { Offset = state.State.Offset + by };
        await state.WriteStateAsync();
        return state.State.Offset;
    }
}
