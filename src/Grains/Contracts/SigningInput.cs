using System.Text.Json;
using System.Text.Json.Nodes;
using Moneta.Crypto;

namespace Moneta.Grains.Contracts;

/// <summary>
/// What each role signs (docs/protocol.md): the RFC 8785 canonical JSON of the contract's terms, the signer's
/// role and the signature of the step before. Chaining <c>previous</c> makes the signing order cryptographic.
/// </summary>
public static class SigningInput
{
    public static byte[] For(ContractState contract, string signer, string? previous) =>
        JsonCanonicalizer.Canonicalize(Terms(contract, signer, previous));

    /// <summary>A rejection is signed over the same terms plus the reason, so a party cannot be said to have declined what it did not.</summary>
    public static byte[] ForRejection(ContractState contract, string signer, string? previous, string reason)
    {
        var terms = Terms(contract, signer, previous);
        terms["rejection"] = new JsonObject { ["reason"] = reason };
        return JsonCanonicalizer.Canonicalize(terms);
    }

    private static JsonObject Terms(ContractState contract, string signer, string? previous) => new()
    {
        ["contract_id"] = contract.ContractId,
        ["template_id"] = contract.TemplateId,
        ["template_version"] = contract.TemplateVersion,
        ["mo_id"] = contract.MoId,
        ["publisher_id"] = contract.PublisherId,
        ["mpass_id"] = contract.MpassId,
        ["payload"] = JsonNode.Parse(contract.Payload.GetRawText()),
        ["signer"] = signer,
        ["previous"] = previous,
    };

    public static string Digest(JsonElement request) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(JsonCanonicalizer.Canonicalize(request)));
}
