using Microsoft.Extensions.Logging;
using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

/// <summary>
/// The settlement account of an MO, a publisher and a currency. Every finalized charge and accepted dispute of the
/// pair reaches it as an event (a run of them at a time when they queue up) and is routed, through the line's
/// register, to the open batch; the event is
/// complete only once the batch holds the line, so a batch the account closes afterwards has every line routed to
/// it. It closes the open batch at its period's end plus the grace time (a durable reminder) or when a party asks,
/// and opens the next; what a closed batch carries out is carried in by the next to close.
/// </summary>
[GrainType("settlementaccount")]
public sealed partial class SettlementAccountGrain(
    [OutboxState] IOutboxState<SettlementAccountState> state,
    IGrainIndex index,
    SettlementOptions options,
    TimeProvider clock,
    ILogger<SettlementAccountGrain> logger) : Grain, ISettlementAccountGrain
{
    /// <summary>The grain event that orders a batch to close.</summary>
    public const string CloseOrdered = "settlement.close";

    /// <summary>The index of lines waiting for the pair's first terms, keyed by the account.</summary>
    public const string ParkedIndex = "parked";

    private const string CloseReminder = "close";
    private const string DrainReminder = "drain";
    private const int DrainBatchSize = 100;

    private SettlementAccountState Account => state.State;

    private SettlementAccountKey Key => SettlementAccountKey.Parse(this.GetPrimaryKeyString());

    public async Task HandleEvent(GrainEvent @event)
    {
        switch (@event.Type)
        {
            case SettlementLineReports.EventType:
                await RouteAsync([FlowEvents.Read<SettlementLine>(@event)]);
                break;
            case SettlementTermsFlow.TermsFinalized:
                await AdoptAsync(FlowEvents.Read<SettlementTerms>(@event));
                break;
            case SettlementBatchGrain.BatchClosed:
                await TakeCarryAsync(FlowEvents.Read<BatchClosedReport>(@event));
                break;
        }
    }

    /// <summary>
    /// A run of queued events: lines in a row are routed together (a register write each, all at once, and one batch
    /// write for them all); any other event is handled where it falls, so the lines before it reach the batch open
    /// before it and those after it the batch open after it.
    /// </summary>
    public async Task HandleEvents(IReadOnlyList<GrainEvent> events)
    {
        var lines = new List<SettlementLine>(events.Count);
        foreach (var @event in events)
        {
            if (@event.Type == SettlementLineReports.EventType)
            {
                lines.Add(FlowEvents.Read<SettlementLine>(@event));
                continue;
            }

            await RouteAsync(lines);
            lines = [];
            await HandleEvent(@event);
        }

        await RouteAsync(lines);
    }

    public async Task ReceiveReminder(string name)
    {
        if (name == CloseReminder) await CloseAsync(early: false);
        else if (name == DrainReminder) await DrainAsync();
    }

    public Task<string> CloseEarly() => CloseAsync(early: true);

    /// <summary>
    /// Lines go to the open batch; before the pair has terms they wait, parked in their registers. A line an earlier
    /// routing assigned to another batch is left to its register, which knows whether that batch still takes it.
    /// </summary>
    private async Task RouteAsync(IReadOnlyList<SettlementLine> lines)
    {
        if (lines.Count == 0) return;
        if (Account.Open is null)
        {
            await Task.WhenAll(lines.Select(line => Line(line.SourceContractId).Park(Key, line)));
            return;
        }

        var open = await OpenWithLinesAsync();
        var assigned = await Task.WhenAll(lines.Select(line => Line(line.SourceContractId).Assign(open, line)));
        var inOpen = lines.Zip(assigned).ToLookup(pair => pair.Second.BatchId == open.BatchId, pair => pair.First);
        if (inOpen[true].Any() && await Batch(open.BatchId).AddLines(open, [.. inOpen[true]]) == LineAdmission.BatchClosed)
            throw new InvalidOperationException($"Batch '{open.BatchId}' is closed, yet its account routes lines to it; the lines are routed again when their events are retried.");
        foreach (var line in inOpen[false])
            await Line(line.SourceContractId).Route(open, line: null);
    }

    private async Task AdoptAsync(SettlementTerms terms)
    {
        if (Account.HasTerms(terms.ContractId)) return;
        var first = Account.Open is null;
        state.State = Account.WithTerms(terms);
        if (first)
        {
            var now = clock.GetUtcNow();
            var batch = Account.NextBatch(Key, NewBatchId(), now);
            state.State = Account with { Open = new OpenBatch(batch, HasLines: false) };
            state.Outbox.RemindAt(CloseReminder, batch.Period.End + options.Grace);
            // The charges that waited for terms enter this first batch.
            state.Outbox.RemindAt(DrainReminder, now);
        }

        await state.WriteStateAsync();
    }

    private async Task<string> CloseAsync(bool early)
    {
        var now = clock.GetUtcNow();
        if (Account.Open is not { } open)
        {
            return early
                ? throw DomainException.Conflict(ErrorCodes.NoSettlementTerms, $"{Key.MoId} and {Key.PublisherId} have no finalized settlement terms for {Key.Currency}: there is no batch to close.")
                : "";
        }

        if (Account.Closing is { } closing)
        {
            if (early)
                throw DomainException.Conflict(ErrorCodes.SettlementBatchClosing, $"Batch '{closing}' is still closing; ask again in a moment.");
            state.Outbox.RemindAt(CloseReminder, now + TimeSpan.FromSeconds(1));
            await state.WriteStateAsync();
            return "";
        }

        var due = open.Batch.Period.End + options.Grace;
        if (!early && now < due)
        {
            // Fired early (a silo whose clock runs ahead): ask again for the time itself.
            state.Outbox.RemindAt(CloseReminder, due);
            await state.WriteStateAsync();
            return "";
        }

        if (!open.HasLines && early)
            throw DomainException.Conflict(ErrorCodes.SettlementBatchEmpty, $"Batch '{open.Batch.BatchId}' has no lines yet: there is nothing to settle.");

        var next = Account.NextBatch(Key, NewBatchId(), now);
        state.Outbox.RemindAt(CloseReminder, next.Period.End + options.Grace);
        // A line parked by a routing that outlived its call is picked up at every close.
        state.Outbox.RemindAt(DrainReminder, now);
        if (!open.HasLines)
        {
            // Nothing happened this period: no batch, no statement; whatever is carried waits for a batch with lines.
            state.State = Account with { Open = new OpenBatch(next, HasLines: false) };
            await state.WriteStateAsync();
            return "";
        }

        var order = new SettlementCloseOrder(open.Batch, Account.Carry, now);
        state.State = Account with { Open = new OpenBatch(next, HasLines: false), Closing = open.Batch.BatchId, Carry = 0m };
        state.Outbox.Send<ISettlementBatchGrain>(open.Batch.BatchId, FlowEvents.New(CloseOrdered, open.Batch.BatchId, now, order));
        await state.WriteStateAsync();

        try
        {
            // At once, so the caller usually sees the batch closed; the event above closes it whatever happens here.
            await Batch(open.Batch.BatchId).Close(order);
        }
        catch (Exception e) when (e is not DomainException)
        {
            LogCloseDeferred(logger, e, open.Batch.BatchId);
        }

        return open.Batch.BatchId;
    }

    private async Task TakeCarryAsync(BatchClosedReport report)
    {
        if (Account.Closing != report.BatchId) return; // a redelivered report
        state.State = Account with { Closing = null, Carry = Account.Carry + report.CarriedOut };
        await state.WriteStateAsync();
    }

    /// <summary>Moves the lines that waited for terms into the open batch, a bounded number per turn.</summary>
    private async Task DrainAsync()
    {
        if (Account.Open is null) return;
        var parked = await index.QueryAsync<ISettlementLineGrain>(ParkedIndex, Key.ToString(), cursor: null, DrainBatchSize);
        if (parked.Keys.Count == 0) return;

        var open = await OpenWithLinesAsync();
        foreach (var sourceContractId in parked.Keys)
            await Line(sourceContractId).Route(open, line: null);
        if (parked.NextCursor is not null)
        {
            state.Outbox.RemindAt(DrainReminder, clock.GetUtcNow());
            await state.WriteStateAsync();
        }
    }

    /// <summary>The open batch, marked as having lines before the first is routed to it: a batch with none is never closed.</summary>
    private async Task<SettlementBatchRef> OpenWithLinesAsync()
    {
        var open = Account.Open!;
        if (!open.HasLines)
        {
            state.State = Account with { Open = open with { HasLines = true } };
            await state.WriteStateAsync();
        }

        return open.Batch;
    }

    private static string NewBatchId() => Guid.NewGuid().ToString();

    private ISettlementLineGrain Line(string sourceContractId) => GrainFactory.GetGrain<ISettlementLineGrain>(sourceContractId);

    private ISettlementBatchGrain Batch(string batchId) => GrainFactory.GetGrain<ISettlementBatchGrain>(batchId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Closing batch {BatchId} at once failed; its close event will close it")]
    private static partial void LogCloseDeferred(ILogger logger, Exception exception, string batchId);
}
