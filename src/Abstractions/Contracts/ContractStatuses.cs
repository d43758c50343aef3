namespace Moneta.Contracts;

public static class ContractStatuses
{
    public const string Finalized = "finalized";
    public const string Rejected = "rejected";
    public const string Expired = "expired";
    public const string Voided = "voided";

    public static string PendingSignatureOf(string role) => $"pending_{role}_signature";

    public static bool IsPending(string status) => status.StartsWith("pending_", StringComparison.Ordinal);
}
