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
        var previousHash = log.Count == 0 ? null : Hash(log[^1]);
        return [.. log, new LifecycleEvent(log.Count + 1, type, at, actor, subject, from, to, reason, previousHash)];
    }

    public static bool Verify(IReadOnlyList<LifecycleEvent> log)
    {
        for (var i = 0; i < log.Count; i++)
        {
            var expected = i == 0 ? null : Hash(log[i - 1]);
            if (log[i].Sequence != i + 1 || log[i].PreviousHash != expected) return false;
        }

        return true;
    }

    public static string Hash(LifecycleEvent entry) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonCanonicalizer.Canonicalize(JsonSerializer.SerializeToElement(entry, Json))));
}
