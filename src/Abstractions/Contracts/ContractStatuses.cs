namespace Moneta.Contracts;

public static class ContractStatuses
{
    public const string Finalized = "finalized";
    public const string Rejected = "rejected";
    public const string Expired = "expired";
    public const string Voided = "voided";

    public static string PendingSignatureOf(string role) => $"pending_{role}_signature";

    /// <summary>Every status a contract can be seen in (Moneta's own turn never shows: it countersigns at once).</summary>
    public static IReadOnlyList<string> All { get; } =
        [PendingSignatureOf(Roles.Mo), PendingSignatureOf(Roles.Publisher), Finalized, Rejected, Expired, Voided];

    public static bool IsPending(string status) => status.StartsWith("pending_", StringComparison.Ordinal);
}
