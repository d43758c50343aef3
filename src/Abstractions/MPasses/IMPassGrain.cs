using Moneta.GrainModel;

namespace Moneta.MPasses;

public static class MPassStatuses
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
}

public sealed record MPassIssue(string MoId, string Tier, DateTimeOffset? ValidUntil);

public sealed record MPassView(string Id, string MoId, string Tier, string Status, DateTimeOffset? ValidUntil, DateTimeOffset IssuedAt, DateTimeOffset UpdatedAt);

/// <summary>A member's digital pass, issued by an MO, keyed by its id.</summary>
public interface IMPassGrain : IGrainWithStringKey
{
    Task<MPassView> Issue(MPassIssue issue);

    Task<MPassView?> Find();

    Task<MPassView> ChangeStatus(string status);
}
