namespace Moneta.Audit;

/// <summary>Who acts on an organization or an mPass, as written in audit logs.</summary>
public static class Actors
{
    /// <summary>The administrator. Organizations cannot be registered under this id, so the two never mix.</summary>
    public const string Admin = "admin";

    /// <summary>Moneta itself (for example an mPass reaching its valid_until).</summary>
    public const string Moneta = "moneta";

    public static bool IsReserved(string id) => id is Admin or Moneta;
}
