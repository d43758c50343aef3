using System.Buffers.Text;
using System.Text;
using Moneta.Contracts;
using Moneta.Errors;
using Moneta.GrainModel;
using Moneta.Grains.Webhooks;
using Moneta.Settlements;
using Moneta.Webhooks;

namespace Moneta.Grains.Settlements;

/// <summary>
/// One settlement batch. While open it takes lines from their registers (a run of them in one write), each once; the account's order closes it:
/// its figures and lines digest are fixed from the lines it holds and stored, with the report of what it carries
/// out, before its settlement contract is issued (under an id stored with them, so a retry after a crash issues the
/// same contract, not a second). The contract's signatures settle it; a rejection or expiry contests it. Its lines
/// are held in memory in digest order, loaded from its state and its full pages when it activates.
/// </summary>
[GrainType("settlementbatch")]
public sealed class SettlementBatchGrain(
    [OutboxState] IOutboxState<SettlementBatchState> state,
    SettlementOptions options,
    TimeProvider clock) : Grain, ISettlementBatchGrain
{
    /// <summary>The grain event that reports a closed batch's carried_out to its account.</summary>
    public const string BatchClosed = "settlement.batch_closed";

    private const string IssueReminder = "issue";

    private static readonly Comparer<SettlementLine> DigestOrder = Comparer<SettlementLine>.Create((a, b) => string.CompareOrdinal(a.SourceContractId, b.SourceContractId));

    private readonly SortedSet<SettlementLine> _lines = new(DigestOrder);
    private readonly HashSet<string> _sources = new(StringComparer.Ordinal);

    private SettlementBatchState Stored => state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var pages = await Task.WhenAll(Enumerable.Range(0, Stored.Pages).Select(page => Page(page).Read()));
        foreach (var line in pages.SelectMany(p => p).Concat(Stored.Tail))
            Hold(line);
    }

    public Task<LineAdmission> AddLine(SettlementBatchRef batch, SettlementLine line) => AddLines(batch, [line]);

    public async Task<LineAdmission> AddLines(SettlementBatchRef batch, IReadOnlyList<SettlementLine> lines)
    {
        EnsureIsMe(batch);
        var added = lines.Where(l => !_sources.Contains(l.SourceContractId)).DistinctBy(l => l.SourceContractId).ToList();
        if (added.Count == 0) return LineAdmission.AlreadyIn;
        if (Stored.Batch is not null && Stored.Status != SettlementBatchStatus.Open) return LineAdmission.BatchClosed;

        if (Stored.Tail.Count >= options.LinesPerPage)
        {
            // The page first, and exactly the stored tail: if the batch's own write fails after it, the same page is
            // written again, identically, whatever lines come next.
            await Page(Stored.Pages).Store(Stored.Tail);
            state.State = Stored with { Tail = [], Pages = Stored.Pages + 1 };
        }

        state.State = (Stored.Batch is null ? Opened(batch) : Stored).WithLines(added);
        await state.WriteStateAsync();
        foreach (var line in added)
            Hold(line);
        return LineAdmission.Added;
    }

    public async Task Close(SettlementCloseOrder order)
    {
        if (Stored.Batch is not null && Stored.Status != SettlementBatchStatus.Open)
        {
            await IssueAsync();
            return;
        }

        EnsureIsMe(order.Batch);
        var opened = Stored.Batch is null ? Opened(order.Batch) : Stored;
        var closed = opened.Closed(_lines.Select(opened.ToView), order.CarriedIn, order.ClosedAt, Guid.NewGuid().ToString());
        state.State = closed;
        state.Outbox.Send<ISettlementAccountGrain>(closed.Batch!.Account.ToString(),
            FlowEvents.New(BatchClosed, closed.Batch.BatchId, order.ClosedAt, new BatchClosedReport(closed.Batch.BatchId, closed.Figures!.CarriedOut)));
        state.Outbox.RemindAt(IssueReminder, clock.GetUtcNow());
        await state.WriteStateAsync();
        await IssueAsync();
    }

    public Task<SettlementBatchView?> Find() => Task.FromResult(state.RecordExists ? Stored.ToView() : null);

    public Task<SettlementLinePage> Lines(string? cursor, int limit)
    {
        var after = cursor is null ? null : DecodeCursor(cursor);
        IEnumerable<SettlementLine> from = after is null || _lines.Count == 0
            ? _lines
            : string.CompareOrdinal(after, _lines.Max!.SourceContractId) >= 0
                ? []
                : _lines.GetViewBetween(new SettlementLine(after + "\0", default, 0m), _lines.Max);
        var page = from.Take(limit + 1).ToList();
        var next = page.Count > limit ? EncodeCursor(page[limit - 1].SourceContractId) : null;
        return Task.FromResult(new SettlementLinePage([.. page.Take(limit).Select(Stored.ToView)], next));
    }

    /// <summary>The settlement contract closed (<see cref="SettlementContractFlow"/>): settled when finalized, contested otherwise.</summary>
    public async Task HandleEvent(GrainEvent @event)
    {
        switch (@event.Type)
        {
            case SettlementAccountGrain.CloseOrdered:
                await Close(FlowEvents.Read<SettlementCloseOrder>(@event));
                break;
            case SettlementContractFlow.StatementClosed:
                var closed = FlowEvents.Read<StatementClosedReport>(@event);
                if (closed.ContractId != Stored.SettlementContractId || Stored.Status is not SettlementBatchStatus.AwaitingSignatures) return;
                var settled = closed.Status == ContractStatuses.Finalized;
                state.State = Stored with { Status = settled ? SettlementBatchStatus.Settled : SettlementBatchStatus.Contested };
                Announce(settled ? WebhookEventTypes.SettlementSettled : WebhookEventTypes.SettlementContested, @event.OccurredAt);
                await state.WriteStateAsync();
                break;
        }
    }

    public Task ReceiveReminder(string name) => IssueAsync();

    /// <summary>
    /// Issues the closed batch's settlement contract, once: the contract grain answers a repeat of the same terms with
    /// the contract it holds. Then the parties hear that it waits for their signatures.
    /// </summary>
    private async Task IssueAsync()
    {
        if (Stored.Status == SettlementBatchStatus.Open || Stored.Issued) return;
        await GrainFactory.GetGrain<IContractGrain>(Stored.SettlementContractId!).Issue(SettlementStatement.For(Stored));
        state.State = Stored with { Issued = true };
        state.Outbox.CancelReminder(IssueReminder);
        Announce(WebhookEventTypes.SettlementAwaitingSignature, clock.GetUtcNow());
        await state.WriteStateAsync();
    }

    private void Announce(string eventType, DateTimeOffset occurredAt)
    {
        var view = Stored.ToView();
        foreach (var party in new[] { view.MoId, view.PublisherId })
            state.Outbox.Announce(party, "settlement", view.BatchId, WebhookAnnouncements.NewEvent(eventType, occurredAt, new SettlementEventData(view)));
    }

    private void EnsureIsMe(SettlementBatchRef batch)
    {
        if (batch.BatchId != this.GetPrimaryKeyString())
            throw new InvalidOperationException($"Batch '{this.GetPrimaryKeyString()}' was addressed as '{batch.BatchId}'.");
    }

    private static SettlementBatchState Opened(SettlementBatchRef batch) => new() { Batch = batch, Status = SettlementBatchStatus.Open };

    private void Hold(SettlementLine line)
    {
        _lines.Add(line);
        _sources.Add(line.SourceContractId);
    }

    private ISettlementLinePageGrain Page(int page) => GrainFactory.GetGrain<ISettlementLinePageGrain>($"{this.GetPrimaryKeyString()}/{page}");

    private static string EncodeCursor(string sourceContractId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(sourceContractId));

    /// <summary>A cursor is the last source contract id of the page before, base64url-encoded.</summary>
    private static string DecodeCursor(string cursor)
    {
        try
        {
            var id = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
            if (Ids.IsValid(id)) return id;
        }
        catch (FormatException)
        {
        }

        throw DomainException.Invalid(ErrorCodes.InvalidCursor, "'cursor' must be a next_cursor returned by this endpoint.");
    }
}
