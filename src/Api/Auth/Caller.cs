using System.Security.Claims;
using Moneta.Organizations;

namespace Moneta.Api.Auth;

/// <summary>
/// Who is calling: the administrator, or a partner organization identified by its access token, with that
/// organization as the front door read it, active, at the start of this request (<see cref="MonetaBearer"/>).
/// </summary>
public sealed record Caller(bool IsAdmin, string? OrganizationId, string? OrganizationKind, OrganizationView? Organization = null)
{
    public const string AdminRole = "admin";
    public const string KindClaim = "org_kind";

    /// <summary>Where the front door leaves the caller's organization it read for this request.</summary>
    internal const string OrganizationItem = "moneta.caller_organization";

    public static Caller From(ClaimsPrincipal user) =>
        user.IsInRole(AdminRole)
            ? new Caller(true, null, null)
            : new Caller(false, user.FindFirstValue("sub"), user.FindFirstValue(KindClaim));

    /// <summary>Lets endpoints take the caller as a parameter.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<Caller?>(From(context.User) with { Organization = context.Items[OrganizationItem] as OrganizationView });

    /// <summary>Who this caller is in an audit log.</summary>
    public string Actor => IsAdmin ? Moneta.Audit.Actors.Admin : OrganizationId!;

    public bool Is(string organizationId) => !IsAdmin && OrganizationId == organizationId;

    public bool IsAdminOr(string organizationId) => IsAdmin || Is(organizationId);

    /// <summary>The partner's id; administrators do not sign contracts.</summary>
    public string PartyId => OrganizationId ?? throw NotAParty();

    /// <summary>The partner's organization as read for this request: a contract step needs no second read of it.</summary>
    public OrganizationView Party => Organization ?? throw NotAParty();

    public void EnsureAdminOr(string organizationId)
    {
        if (!IsAdminOr(organizationId))
            throw DomainException.Forbidden(ErrorCodes.Forbidden, "Only the organization itself or an administrator may do this.");
    }

    public void EnsureAdmin()
    {
        if (!IsAdmin)
            throw DomainException.Forbidden(ErrorCodes.Forbidden, "Only an administrator may do this.");
    }

    private static DomainException NotAParty() =>
        DomainException.Forbidden(ErrorCodes.Forbidden, "This step is taken by a partner organization with its own access token, not by the administrator.");
}
