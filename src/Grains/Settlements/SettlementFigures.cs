namespace Moneta.Grains.Settlements;

/// <summary>What a closed batch settles: every amount in the batch's currency, rounded to its minor unit.</summary>
[GenerateSerializer, Immutable, Alias("Moneta.Grains.SettlementFigures")]
public sealed record SettlementFigures(decimal Gross, decimal MonetaFee, decimal MoShare, decimal PublisherPayout, decimal CarriedIn, decimal CarriedOut);
