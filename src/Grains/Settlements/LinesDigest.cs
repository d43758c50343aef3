using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Moneta.Crypto;
using Moneta.Settlements;

namespace Moneta.Grains.Settlements;

/// <summary>
/// lines_digest: the lowercase hex SHA-256 of the RFC 8785 canonical JSON of a batch's lines, as an array of
/// {source_contract_id, kind, amount} ordered by source_contract_id (ordinal), each amount with the currency's
/// minor-unit digits. Either party recomputes it from GET /api/v1/settlements/{batch_id}/lines before signing.
/// </summary>
public static class LinesDigest
{
    /// <param name="lines">The lines in digest order.</param>
    public static string Of(IEnumerable<SettlementLineView> lines)
    {
        var array = new JsonArray();
        foreach (var line in lines)
        {
            array.Add(new JsonObject
            {
                ["source_contract_id"] = line.SourceContractId,
                ["kind"] = WireEnumConverter<SettlementLineKind>.Name(line.Kind),
                ["amount"] = line.Amount,
            });
        }

        return Convert.ToHexStringLower(SHA256.HashData(JsonCanonicalizer.Canonicalize(array)));
    }
}
