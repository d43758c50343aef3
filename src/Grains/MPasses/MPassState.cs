using Moneta.Errors;
using Moneta.MPasses;

namespace Moneta.Grains.MPasses;

public sealed record MPassState
{
    public string MoId { get; init; } = "";
    public string Tier { get; init; } = "";
    public string Status { get; init; } = MPassStatuses.Active;
    public DateTimeOffset? ValidUntil { get; init; }
    public DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    private static readonly Dictionary<string, string[]> AllowedTransitions = new()
    {
        [MPassStatuses.Active] = [MPassStatuses.Suspended, MPassStatuses.Revoked],
        [MPassStatuses.Suspended] = [MPassStatuses.Active, MPassStatuses.Revoked],
        [MPassStatuses.Revoked] = [],
        [MPassStatuses.Expired] = [],
    };

    /// <summary>An mPass past its valid_until is expired from that instant, whether or not anyone has written it since.</summary>
    public string StatusAt(DateTimeOffset now) =>
        ValidUntil <= now && Status is MPassStatuses.Active or MPassStatuses.Suspended ? MPassStatuses.Expired : Status;

    public MPassState MoveTo(string status, DateTimeOffset now)
    {
        var current = StatusAt(now);
        if (status == current) return this;
        if (!AllowedTransitions.ContainsKey(status) || status == MPassStatuses.Expired)
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{status}' is not a status an mPass can be given; use active, suspended or revoked.");
        if (!AllowedTransitions[current].Contains(status))
            throw DomainException.Conflict(ErrorCodes.InvalidStatusTransition, $"An mPass that is {current} cannot become {status}.");
        return this with { Status = status, UpdatedAt = now };
    }

    public MPassView ToView(string id, DateTimeOffset now) => new(id, MoId, Tier, StatusAt(now), ValidUntil, IssuedAt, UpdatedAt);
}
