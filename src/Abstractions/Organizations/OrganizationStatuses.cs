namespace Moneta.Organizations;

public static class OrganizationStatuses
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Destroyed = "destroyed";

    public static readonly string[] All = [Pending, Active, Suspended, Destroyed];
}
