using Moneta.Errors;
using Moneta.Organizations;

namespace Moneta.Grains.Organizations;

public sealed record OrganizationState
{
    public string Kind { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Mic { get; init; }
    public string Status { get; init; } = OrganizationStatuses.Pending;
    public IReadOnlyList<OrganizationKey> Keys { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The lifecycle from the domain documents; destroyed is final.</summary>
    private static readonly Dictionary<string, string[]> AllowedTransitions = new()
    {
        [OrganizationStatuses.Pending] = [OrganizationStatuses.Active, OrganizationStatuses.Destroyed],
        [OrganizationStatuses.Active] = [OrganizationStatuses.Suspended, OrganizationStatuses.Destroyed],
        [OrganizationStatuses.Suspended] = [OrganizationStatuses.Active, OrganizationStatuses.Destroyed],
        [OrganizationStatuses.Destroyed] = [],
    };

    public OrganizationState MoveTo(string status, DateTimeOffset now)
    {
        if (status == Status) return this;
        if (!AllowedTransitions.TryGetValue(status, out _))
            throw DomainException.Invalid(ErrorCodes.InvalidField, $"'{status}' is not an organization status; use pending, active, suspended or destroyed.");
        if (!AllowedTransitions[Status].Contains(status))
            throw DomainException.Conflict(ErrorCodes.InvalidStatusTransition, $"An organization that is {Status} cannot become {status}.");
        return this with { Status = status, UpdatedAt = now };
    }

    public OrganizationState WithKey(OrganizationKey key, DateTimeOffset now)
    {
        if (Keys.Any(k => k.Kid == key.Kid))
            throw DomainException.Conflict(ErrorCodes.DuplicateKid, $"The organization already has a key with kid '{key.Kid}'; give the new key its own kid.");
        return this with { Keys = [.. Keys, key], UpdatedAt = now };
    }

    public OrganizationView ToView(string id) => new(id, Kind, Name, Mic, Status, Keys, CreatedAt, UpdatedAt);
}
