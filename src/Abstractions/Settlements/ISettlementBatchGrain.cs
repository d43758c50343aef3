using Moneta.GrainModel;

namespace Moneta.Settlements;

/// <summary>
/// One settlement batch of a pair, currency and period (key: its batch id): its lines while it is open, then its
/// figures, lines digest and settlement contract. Lines come only through their registers
/// (<see cref="ISettlementLineGrain"/>), the order to close only from its account.
/// </summary>
[Alias("Moneta.ISettlementBatchGrain")]
public interface ISettlementBatchGrain : IGrainEventHandler, IReminderHandler
{
    /// <summary>Takes a line while open; a line it already has is not counted again; a closed batch takes none.</summary>
    Task<LineAdmission> AddLine(SettlementBatchRef batch, SettlementLine line);

    /// <summary>
    /// Takes several lines in one write while open (those it already has are not counted again); a closed batch
    /// takes none and answers <see cref="LineAdmission.BatchClosed"/>.
    /// </summary>
    Task<LineAdmission> AddLines(SettlementBatchRef batch, IReadOnlyList<SettlementLine> lines);

    /// <summary>Closes the batch: fixes its figures and digest, and issues its settlement contract. Idempotent.</summary>
    Task Close(SettlementCloseOrder order);

    /// <summary>The batch, or null if no line ever reached it.</summary>
    Task<SettlementBatchView?> Find();

    /// <summary>Its lines in digest order, after <paramref name="cursor"/>.</summary>
    Task<SettlementLinePage> Lines(string? cursor, int limit);
}
