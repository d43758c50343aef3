namespace Moneta.MPasses;

public static class MPassStatuses
{
    public const string Active = "active";
    public const string Suspended = "suspended";
    public const string Revoked = "revoked";
    public const string Expired = "expired";
}
