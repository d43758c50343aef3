namespace Moneta;

/// <summary>The roles that sign a contract. Spelled as on the wire.</summary>
public static class Roles
{
    public const string Mo = "mo";
    public const string Moneta = "moneta";
    public const string Publisher = "publisher";

    public static readonly IReadOnlyList<string> All = [Mo, Moneta, Publisher];

    public static bool IsParty(string role) => role is Mo or Publisher;
}
