using Moneta.GrainModel;
using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

/// <summary>A full page of a batch's lines, written once (again, identically, if the batch's own write after it failed).</summary>
[GrainType("settlementlinepage")]
[CollectionAgeLimit(Minutes = GrainLifetimes.TransientMinutes)]
public sealed class SettlementLinePageGrain([OutboxState] IOutboxState<SettlementLinePageState> state) : Grain, ISettlementLinePageGrain
{
    public async Task Store(IReadOnlyList<SettlementLine> lines)
    {
        if (state.RecordExists)
        {
            if (!state.State.Lines.SequenceEqual(lines))
                throw new InvalidOperationException($"Page '{this.GetPrimaryKeyString()}' was written with other lines; a page is written once.");
            return;
        }

        state.State = new SettlementLinePageState { Lines = lines };
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<SettlementLine>> Read() => Task.FromResult(state.State.Lines);
}
