namespace Moneta.Disputes;

/// <summary>
/// One dispute of a charge, as the charge's view lists it: <see cref="Status"/> is <c>pending</c> until the publisher
/// answers, then the dispute's resolution (<see cref="DisputeResolutions"/>).
/// </summary>
[GenerateSerializer, Immutable, Alias("Moneta.ChargeDispute")]
public sealed record ChargeDispute(string DisputeId, string Amount, string ReasonCode, string Status, DateTimeOffset OpenedAt, DateTimeOffset? ResolvedAt)
{
    public const string Pending = "pending";
}
