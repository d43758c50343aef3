namespace Moneta.Organizations;

public static class OrganizationKinds
{
    public const string Mo = "mo";
    public const string Publisher = "publisher";

    public static bool IsValid(string kind) => kind is Mo or Publisher;
}
