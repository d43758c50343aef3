using Moneta.GrainModel;
using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

/// <summary>A source contract's line and the batch it is in (or that it is parked, waiting for the pair's first terms).</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.SettlementLineState")]
public sealed record SettlementLineState : IIndexedState
{
    [Id(0)]
    public SettlementLine? Line { get; init; }

    [Id(1)]
    public SettlementAccountKey? Account { get; init; }

    [Id(2)]
    public SettlementBatchRef? Batch { get; init; }

    [Id(3)]
    public bool Parked { get; init; }

    public IEnumerable<IndexEntry> GetIndexEntries()
    {
        if (Parked && Account is not null && Line is not null)
            yield return new IndexEntry(SettlementAccountGrain.ParkedIndex, Account.ToString(), Line.SourceContractId);
    }
}
