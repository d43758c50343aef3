namespace Moneta.Settlements;

/// <summary>
/// A full page of a batch's lines (key: "{batch_id}/{page}"), written once by its batch: a batch keeps its latest lines
/// in its own state and moves them here a page at a time, so no stored item outgrows what storage holds however many
/// lines a period has.
/// </summary>
[Alias("Moneta.ISettlementLinePageGrain")]
public interface ISettlementLinePageGrain : IGrainWithStringKey
{
    /// <summary>Stores the page; storing the same lines again changes nothing.</summary>
    Task Store(IReadOnlyList<SettlementLine> lines);

    Task<IReadOnlyList<SettlementLine>> Read();
}
