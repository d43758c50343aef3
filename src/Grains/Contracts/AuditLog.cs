using System.Security.Cryptography;
using System.Text.Json;
using Moneta.Contracts;
using Moneta.Crypto;

namespace Moneta.Grains.Contracts;

/// <summary>
/// The contract's append-only audit trail. Each event carries the SHA-256 of the canonical JSON of the event
/// before it, so removing or editing an event breaks every hash after it.
/// </summary>
public static class AuditLog
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static IReadOnlyList<AuditEvent> Append(IReadOnlyList<AuditEvent> log, string type, DateTimeOffset at, string actor, string? role, string? detail)
    {
        var previousHash = log.Count == 0 ? null : Hash(log[^1]);
        return [.. log, new AuditEvent(log.Count + 1, type, at, actor, role, detail, previousHash)];
    }

    public static bool Verify(IReadOnlyList<AuditEvent> log)
    {
        for (var i = 0; i < log.Count; i++)
        {
            var expected = i == 0 ? null : Hash(log[i - 1]);
            if (log[i].Sequence != i + 1 || log[i].PreviousHash != expected) return false;
        }

        return true;
    }

    public static string Hash(AuditEvent entry) =>
        Convert.ToHexStringLower(SHA256.HashData(JsonCanonicalizer.Canonicalize(JsonSerializer.SerializeToElement(entry, Json))));
}
