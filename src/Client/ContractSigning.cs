using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.Client;

/// <summary>
/// What each role signs (docs/protocol.md section 5): the RFC 8785 canonical JSON of the contract's terms, the
/// signer's role and the signature before it (<c>previous</c>), plus the reason for a rejection; signed as a JWS
/// with detached payload (<c>header..signature</c>).
/// </summary>
public static class ContractSigning
{
    public static byte[] SigningInput(Contract contract, string signer, string? previous, string? rejectionReason = null) =>
        SigningInput(contract.ContractId, contract.TemplateId, contract.TemplateVersion, contract.MoId, contract.PublisherId, contract.MpassId, contract.Payload, signer, previous, rejectionReason);

    public static byte[] SigningInput(
        string contractId, string templateId, int templateVersion, string moId, string publisherId, string? mpassId, JsonObject payload,
        string signer, string? previous, string? rejectionReason = null)
    {
        var terms = new JsonObject
        {
            ["contract_id"] = contractId,
            ["template_id"] = templateId,
            ["template_version"] = templateVersion,
            ["mo_id"] = moId,
            ["publisher_id"] = publisherId,
            ["mpass_id"] = mpassId,
            ["payload"] = payload.DeepClone(),
            ["signer"] = signer,
            ["previous"] = previous,
        };
        if (rejectionReason is not null) terms["rejection"] = new JsonObject { ["reason"] = rejectionReason };
        return JsonCanonicalizer.Canonicalize(terms);
    }

    /// <summary>A detached compact JWS over the signing input: <c>BASE64URL(header) + ".." + BASE64URL(signature)</c>.</summary>
    public static string Sign(SigningKey key, byte[] signingInput) => DetachedJws.Sign(key, signingInput);

    /// <summary>Lowercase hex SHA-256, as Moneta reports <c>signing_input_sha256</c> with an invalid_signature.</summary>
    public static string Sha256(byte[] signingInput) => Convert.ToHexStringLower(SHA256.HashData(signingInput));

    /// <summary>Checks a signature on a contract (Moneta's countersignature, say) with a key you hold.</summary>
    public static bool Verify(Contract contract, string role, PartnerKey key)
    {
        var index = contract.SigningOrder.ToList().IndexOf(role);
        if (index < 0 || !contract.SignaturesMap.TryGetValue(role, out var signature)) return false;
        var previous = index == 0 ? null : contract.SignaturesMap[contract.SigningOrder[index - 1]].Signature;
        return DetachedJws.Verify(signature.Signature, SigningInput(contract, role, previous), key);
    }
}
