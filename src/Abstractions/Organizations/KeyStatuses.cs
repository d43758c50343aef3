namespace Moneta.Organizations;

public static class KeyStatuses
{
    /// <summary>Signs within its not_before/not_after window.</summary>
    public const string Active = "active";

    /// <summary>Rotated out in the normal course: signatures made before its retirement stay valid.</summary>
    public const string Retired = "retired";

    /// <summary>Compromised or withdrawn: signatures made before its revocation stay valid, none after.</summary>
    public const string Revoked = "revoked";
}
