using Moneta.GrainModel;
using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

/// <summary>
/// The register of one source contract's line. It is written before the line is handed to a batch, and every
/// redelivery hands it to that same batch again, which recognises it: so a line enters exactly one batch. It moves
/// only when its batch answers that it closed without it (a routing that outlived its call), to the batch open now.
/// A register is consulted once per delivery of its line's event (again only on a redelivery, or when its pair's
/// terms release it from parking), so it leaves memory after every call: kept, one activation per charge would
/// stay for minutes. The next call reads it back from storage.
/// </summary>
[GrainType("settlementline")]
[CollectionAgeLimit(Minutes = GrainLifetimes.TransientMinutes)]
public sealed class SettlementLineGrain([OutboxState] IOutboxState<SettlementLineState> state) : Grain, ISettlementLineGrain, IIncomingGrainCallFilter
{
    private SettlementLineState Register => state.State;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        DeactivateOnIdle();
    }

    public async Task<SettlementBatchRef> Route(SettlementBatchRef open, SettlementLine? line)
    {
        // A contract's line never changes: the one on record wins over a report of it.
        var held = Register.Line ?? line ?? throw new InvalidOperationException($"Line '{this.GetPrimaryKeyString()}' was routed without a line and holds none.");
        if (Register.Batch is { } assigned && assigned.BatchId != open.BatchId
            && await Batch(assigned).AddLine(assigned, held) != LineAdmission.BatchClosed)
        {
            return assigned;
        }

        if (Register.Batch?.BatchId != open.BatchId)
            await AssignToAsync(open, held);

        return await Batch(open).AddLine(open, held) != LineAdmission.BatchClosed
            ? open
            : throw new InvalidOperationException($"Batch '{open.BatchId}' is closed, yet its account routes lines to it; the line is routed again when its event is retried.");
    }

    public async Task<SettlementBatchRef> Assign(SettlementBatchRef open, SettlementLine line)
    {
        if (Register.Batch is { } assigned) return assigned;
        await AssignToAsync(open, Register.Line ?? line);
        return open;
    }

    public async Task Park(SettlementAccountKey account, SettlementLine line)
    {
        if (Register.Batch is not null || Register.Parked) return;
        state.State = new SettlementLineState { Line = line, Account = account, Parked = true };
        await state.WriteStateAsync();
    }

    /// <summary>Records the line's batch before the line is handed to it.</summary>
    private async Task AssignToAsync(SettlementBatchRef batch, SettlementLine line)
    {
        state.State = Register with { Line = line, Account = batch.Account, Batch = batch, Parked = false };
        await state.WriteStateAsync();
    }

    private ISettlementBatchGrain Batch(SettlementBatchRef batch) => GrainFactory.GetGrain<ISettlementBatchGrain>(batch.BatchId);
}
