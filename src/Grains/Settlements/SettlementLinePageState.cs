using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

[GenerateSerializer, Immutable, Alias("Moneta.Grains.SettlementLinePageState")]
public sealed record SettlementLinePageState
{
    [Id(0)]
    public IReadOnlyList<SettlementLine> Lines { get; init; } = [];
}
