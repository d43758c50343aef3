namespace Moneta.Settlements;

/// <summary>
/// The register of one source contract's line (key: the source contract id): which batch it is in. It is what makes
/// a line enter exactly one batch, whatever the events redelivered: it is assigned once and moves only if its batch
/// closed without it.
/// </summary>
[Alias("Moneta.ISettlementLineGrain")]
public interface ISettlementLineGrain : IGrainWithStringKey
{
    /// <summary>
    /// Puts the line in its batch: the one it was assigned to if that batch has it or takes it, otherwise
    /// <paramref name="open"/>. Returns the batch it is in. <paramref name="line"/> may be null for a parked line
    /// (the register holds it).
    /// </summary>
    Task<SettlementBatchRef> Route(SettlementBatchRef open, SettlementLine? line);

    /// <summary>
    /// Assigns a line that has no batch yet (or waited for terms) to <paramref name="open"/>, without handing it
    /// over: the account hands a run of such lines to the batch in one call. Returns the batch the line is assigned
    /// to, which is not <paramref name="open"/> when an earlier routing assigned it elsewhere (then
    /// <see cref="Route"/> settles where it belongs).
    /// </summary>
    Task<SettlementBatchRef> Assign(SettlementBatchRef open, SettlementLine line);

    /// <summary>Keeps a line whose pair has no settlement terms yet; it enters the first batch once terms exist.</summary>
    Task Park(SettlementAccountKey account, SettlementLine line);
}
