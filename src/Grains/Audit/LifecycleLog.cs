using System.Security.Cryptography;
using System.Text.Json;
using Moneta.Audit;
using Moneta.Crypto;

namespace Moneta.Grains.Audit;

/// <summary>
/// The append-only audit log of an organization or an mPass, hash-chained like a contract's (see
/// Contracts/AuditLog): each event carries the SHA-256 of the canonical JSON of the event before it.
/// </summary>
public static class LifecycleLog
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IReadOnlyList<LifecycleEvent> Append(
        IReadOnlyList<LifecycleEvent> log, string type, DateTimeOffset at, string actor, string? subject = null, string? from = null, string? to = null, string? reason = null)
    {
        // The log may hold only its recent entries (LifecycleArchive), so the last entry numbers the next.
        var (sequence, previousHash) = log.Count == 0 ? (1, null) : (log[^1].Sequence + 1, Hash(log[^1]));
        return [.. log, new LifecycleEvent(sequence, type, at, actor, subject, from, to, reason, previousHash)];
    }

    /// <summary>The chain is intact from <paramref name="previous"/> (the entry before the first, null at the start of the log).</summary>
    public static bool Verify(IReadOnlyList<LifecycleEvent> log, LifecycleEvent? previous = null)
    {
        foreach (var entry in log)
        {
            if (entry.Sequence != (previous?.Sequence ?? 0) + 1 || entry.PreviousHash != (previous is null ? null : Hash(previous)))
                return false;
            previous = entry;
        }

        return true;
    }

    public static string Hash(LifecycleEvent entry) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonCanonicalizer.Canonicalize(JsonSerializer.SerializeToElement(entry, Json))));
}
