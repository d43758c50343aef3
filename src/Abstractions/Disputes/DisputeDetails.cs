namespace Moneta.Disputes;

/// <summary>
/// What a dispute contract's view says about the dispute: the charge it disputes and its <see cref="Resolution"/>
/// (<see cref="DisputeResolutions"/>; null while the publisher has not answered).
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.DisputeDetails")]
public sealed record DisputeDetails(string DisputedContractId, string? Resolution);
